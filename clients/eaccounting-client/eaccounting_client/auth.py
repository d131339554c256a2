"""OAuth2 against the Visma Online identity server: 1-hour access tokens, single-use rotating refresh tokens."""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import timedelta
from typing import Any

import orjson
import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.requests_native_auth import SingleUseRefreshTokenOauth2Authenticator
from airbyte_cdk.utils.datetime_helpers import AirbyteDateTime, ab_datetime_now
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .urls import PRODUCTION_IDENTITY_URL, token_endpoint

# Refresh a minute early so a request sent at 59:59 does not arrive with a dead token.
EXPIRY_MARGIN = timedelta(seconds=60)

# The code a runner recognises (start of the trace's internal_message) to give its own re-authorisation advice.
REFRESH_TOKEN_REFUSED = "invalid_grant"  # noqa: S105 - an OAuth error code, not a password
REVOKED_GRANT_MESSAGE = (
    "eAccounting rejected the refresh token (invalid_grant). Refresh tokens are single-use and are revoked when the "
    "user changes their Visma password or removes the app's access. Fix: re-authorise the app (Authenticate again "
    "in the connector settings, or run the authorization-code flow) and save the new refresh token."
)
REJECTED_CLIENT = (
    "The Visma identity server rejected the client credentials ({error}). Check credentials.client_id and "
    "credentials.client_secret, and that the app belongs to the same environment (sandbox or production) as "
    "identity_url."
)


def _oauth_error(exc: BaseException) -> tuple[int, str] | None:
    cause = exc if isinstance(exc, requests.HTTPError) else exc.__cause__ or exc.__context__
    response = getattr(cause, "response", None)
    if not isinstance(response, requests.Response):
        return None
    try:
        body = orjson.loads(response.content or b"{}")
    except orjson.JSONDecodeError:
        body = {}
    return response.status_code, str(body.get("error", "")) if isinstance(body, dict) else ""


class EAccountingAuthenticator(SingleUseRefreshTokenOauth2Authenticator):
    """The CDK's rotating-token authenticator with the identity server's endpoint and error vocabulary.

    The connector config is mutated in place on rotation and emitted as a CONNECTOR_CONFIG control message by the
    CDK, so the next run starts from the new refresh token.
    """

    def __init__(self, connector_config: MutableMapping[str, Any]) -> None:
        identity_url = connector_config.get("identity_url") or PRODUCTION_IDENTITY_URL
        super().__init__(
            connector_config=connector_config,
            token_refresh_endpoint=token_endpoint(identity_url),
            refresh_token_error_status_codes=(400, 401),
            refresh_token_error_key="error",  # noqa: S106 - the OAuth error field name
            refresh_token_error_values=("invalid_grant",),
        )

    def token_has_expired(self) -> bool:
        return ab_datetime_now() > self.get_token_expiry_date() - EXPIRY_MARGIN

    # The CDK's single-use-token authenticator widens this return type the same way (and ignores it the same way).
    def refresh_access_token(self) -> tuple[str, AirbyteDateTime, str | None]:  # type: ignore[override]
        try:
            return super().refresh_access_token()
        except (AirbyteTracedException, requests.HTTPError) as exc:
            if isinstance(exc, AirbyteTracedException) and exc.failure_type == FailureType.config_error:
                raise AirbyteTracedException(
                    message=REVOKED_GRANT_MESSAGE,
                    internal_message=f"{REFRESH_TOKEN_REFUSED}: {exc.internal_message}",
                    failure_type=FailureType.config_error,
                ) from exc
            oauth_error = _oauth_error(exc)
            if oauth_error and 400 <= oauth_error[0] < 500 and oauth_error[0] != 429:
                status, error = oauth_error
                raise AirbyteTracedException(
                    message=REJECTED_CLIENT.format(error=error or f"HTTP {status}"),
                    internal_message=f"token endpoint answered HTTP {status} {error}",
                    failure_type=FailureType.config_error,
                ) from exc
            raise
