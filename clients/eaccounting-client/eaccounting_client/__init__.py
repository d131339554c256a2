"""Wire-protocol client for the Visma eAccounting API v2, shared by the source and the destination."""

from ledgerbridge_write_safety import AmbiguousWriteError, WriteSafeErrorHandler, certainly_not_sent

from .auth import REVOKED_GRANT_MESSAGE, EAccountingAuthenticator
from .backoff import EAccountingBackoffStrategy, rate_limit_wait
from .client import EAccountingClient
from .config import Credentials, EAccountingConfig, InvalidConfigError, parse_config
from .errors import ApiError, EAccountingApiError, EAccountingErrorHandler
from .pacing import CALLS_PER_MINUTE, EndpointCallBudget
from .paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, has_next_page, page_records, paging_params
from .scopes import (
    AUTHORIZE_SCOPES,
    READ_ONLY_SYNC_SCOPES,
    READ_SCOPES_BY_RESOURCE,
    REQUIRED_SCOPES,
    resource_of,
    scopes_for,
)
from .urls import (
    PRODUCTION_API_URL,
    PRODUCTION_IDENTITY_URL,
    SANDBOX_API_URL,
    SANDBOX_IDENTITY_URL,
    authorize_endpoint,
    check_transport,
    resource_url,
    token_endpoint,
)
from .values import filter_datetime_literal, odata_string, parse_api_datetime, to_amount

__all__ = [
    "AUTHORIZE_SCOPES",
    "CALLS_PER_MINUTE",
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "PRODUCTION_API_URL",
    "PRODUCTION_IDENTITY_URL",
    "READ_ONLY_SYNC_SCOPES",
    "READ_SCOPES_BY_RESOURCE",
    "REQUIRED_SCOPES",
    "REVOKED_GRANT_MESSAGE",
    "SANDBOX_API_URL",
    "SANDBOX_IDENTITY_URL",
    "AmbiguousWriteError",
    "ApiError",
    "Credentials",
    "EAccountingApiError",
    "EAccountingAuthenticator",
    "EAccountingBackoffStrategy",
    "EAccountingClient",
    "EAccountingConfig",
    "EAccountingErrorHandler",
    "EndpointCallBudget",
    "InvalidConfigError",
    "WriteSafeErrorHandler",
    "authorize_endpoint",
    "certainly_not_sent",
    "check_transport",
    "filter_datetime_literal",
    "has_next_page",
    "odata_string",
    "page_records",
    "paging_params",
    "parse_api_datetime",
    "parse_config",
    "rate_limit_wait",
    "resource_of",
    "resource_url",
    "scopes_for",
    "to_amount",
    "token_endpoint",
]
