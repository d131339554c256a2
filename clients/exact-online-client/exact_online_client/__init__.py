"""Exact Online REST API v1 wire-protocol client shared by the ledgerbridge source and destination."""

from exact_online_client.auth import ExactOnlineAuthenticator
from exact_online_client.client import ExactOnlineClient
from exact_online_client.config import (
    AUTHORIZE_SCOPES,
    DEFAULT_BASE_URL,
    ExactOnlineConnection,
    ExactOnlineCredentials,
    InvalidConfigError,
    authorize_endpoint,
    parse_config,
    token_endpoint,
)
from exact_online_client.errors import (
    ExactOnlineApiError,
    ExactOnlineBackoffStrategy,
    ExactOnlineErrorHandler,
    error_message_of,
)
from exact_online_client.paging import REGULAR_PAGE_SIZE, SYNC_PAGE_SIZE, next_page_url, rows_of
from exact_online_client.rate_limits import DailyBudgetExhausted, ExactRateLimitPacer, RateLimitHeaders, SystemClock
from exact_online_client.values import (
    RecordTyper,
    ValueFormatError,
    odata_guid,
    odata_string,
    parse_exact_datetime,
    to_exact_datetime_literal,
)
from ledgerbridge_write_safety import AmbiguousWriteError, WriteSafeErrorHandler, certainly_not_sent

__all__ = [
    "AUTHORIZE_SCOPES",
    "DEFAULT_BASE_URL",
    "REGULAR_PAGE_SIZE",
    "SYNC_PAGE_SIZE",
    "AmbiguousWriteError",
    "DailyBudgetExhausted",
    "ExactOnlineApiError",
    "ExactOnlineAuthenticator",
    "ExactOnlineBackoffStrategy",
    "ExactOnlineClient",
    "ExactOnlineConnection",
    "ExactOnlineCredentials",
    "ExactOnlineErrorHandler",
    "ExactRateLimitPacer",
    "InvalidConfigError",
    "RateLimitHeaders",
    "RecordTyper",
    "SystemClock",
    "ValueFormatError",
    "WriteSafeErrorHandler",
    "authorize_endpoint",
    "certainly_not_sent",
    "error_message_of",
    "next_page_url",
    "odata_guid",
    "odata_string",
    "parse_config",
    "parse_exact_datetime",
    "rows_of",
    "to_exact_datetime_literal",
    "token_endpoint",
]
