"""OAuth 2.0 for Exact Online: single-use refresh tokens, with the timing rules Exact enforces on the token endpoint.

Exact issues access tokens for 600 s (``expires_in`` as a string), rotates the refresh token on every refresh and
rejects a refresh requested less than 570 s after the previous one. The CDK authenticator already persists each new
refresh token and emits it as a CONNECTOR_CONFIG control message; this subclass adds Exact's timing rules and its
error vocabulary.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, MutableMapping
from datetime import timedelta
from typing import Any

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.streams.http.requests_native_auth import SingleUseRefreshTokenOauth2Authenticator
from airbyte_cdk.utils.datetime_helpers import ab_datetime_now
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from exact_online_client.config import ExactOnlineConnection

ACCESS_TOKEN_LIFETIME_SECONDS = 600
MIN_SECONDS_BETWEEN_REFRESHES = 570
# Refreshing a little before expiry avoids a 401 on a request sent in the token's last second.
REFRESH_BEFORE_EXPIRY_SECONDS = ACCESS_TOKEN_LIFETIME_SECONDS - MIN_SECONDS_BETWEEN_REFRESHES

# The code a runner recognises (start of the trace's internal_message) to give its own re-authorisation advice.
REFRESH_TOKEN_REFUSED = "invalid_grant"  # noqa: S105 - an OAuth error code, not a password
REAUTHORISE_HINT = (
    "Exact Online no longer accepts the refresh token (it expired after 30 days unused, was already used, or the "
    "chain was broken by another client). Re-authorise the connector in its settings to get a new refresh token."
)


class ExactOnlineAuthenticator(SingleUseRefreshTokenOauth2Authenticator):
    """Thin subclass of the CDK single-use refresh-token authenticator (see module docstring)."""

    def __init__(self, config: MutableMapping[str, Any], **kwargs: Any) -> None:
        connection = ExactOnlineConnection.model_validate(config)
        credentials = config.setdefault("credentials", {})
        # A pasted access token without its expiry is tried as it is (a refresh now could be "too early" for Exact);
        # if Exact answers 401 it is refreshed then.
        self._expiry_assumed = bool(credentials.get("access_token")) and not credentials.get("token_expiry_date")
        if not credentials.get("access_token"):
            credentials["access_token"] = ""
            credentials["token_expiry_date"] = ""
        elif self._expiry_assumed:
            credentials["token_expiry_date"] = str(ab_datetime_now() + timedelta(seconds=ACCESS_TOKEN_LIFETIME_SECONDS))
        super().__init__(
            connector_config=config,
            token_refresh_endpoint=connection.token_url,
            refresh_token_error_status_codes=(400, 401),
            refresh_token_error_key="error",  # noqa: S106 - the name of a JSON member, not a secret
            refresh_token_error_values=("invalid_grant", "invalid_request", "invalid_client", "unauthorized_client"),
            **kwargs,
        )
        self._last_refresh_monotonic: float | None = None

    def token_has_expired(self) -> bool:
        if not self.access_token:
            return True
        return ab_datetime_now() > self.get_token_expiry_date() - timedelta(seconds=REFRESH_BEFORE_EXPIRY_SECONDS)

    def seconds_until_refresh_allowed(self) -> float:
        """Exact rejects a refresh within 570 s of the previous one (counted from when the current token was issued)."""
        if self._last_refresh_monotonic is not None:
            return MIN_SECONDS_BETWEEN_REFRESHES - (time.monotonic() - self._last_refresh_monotonic)
        if self._expiry_assumed:
            return 0.0
        if not self.access_token or self._get_config_value_by_path(self._token_expiry_date_config_path) in ("", None):
            return 0.0
        issued = self.get_token_expiry_date() - timedelta(seconds=ACCESS_TOKEN_LIFETIME_SECONDS)
        return MIN_SECONDS_BETWEEN_REFRESHES - (ab_datetime_now() - issued).total_seconds()

    def refresh_and_set_access_token(self) -> None:
        wait = self.seconds_until_refresh_allowed()
        if wait > 0:
            # A 401 this soon after a refresh means the fresh token itself is rejected; refreshing again would only
            # be refused by Exact (TooEarlyToRefreshTokens) and count as one more error against the app.
            raise AirbyteTracedException(
                message="Exact Online rejected a freshly issued access token. Re-authorise the connector; if it keeps "
                "happening, check that no other client uses the same refresh token.",
                internal_message=f"refresh refused locally: {wait:.0f}s left of Exact's 570 s refresh interval",
                failure_type=FailureType.config_error,
            )
        super().refresh_and_set_access_token()
        self._last_refresh_monotonic = time.monotonic()

    def refresh_access_token(self) -> Any:
        try:
            return super().refresh_access_token()
        except AirbyteTracedException as error:
            if error.failure_type == FailureType.config_error:
                raise AirbyteTracedException(
                    message=REAUTHORISE_HINT,
                    internal_message=f"{REFRESH_TOKEN_REFUSED}: {error.internal_message}",
                    failure_type=FailureType.config_error,
                ) from error
            raise

    def build_refresh_request_headers(self) -> Mapping[str, Any] | None:
        return {"Accept": "application/json", **(super().build_refresh_request_headers() or {})}
