from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

API_URL = "https://eaccountingapi.vismaonline.com/v2"
IDENTITY_URL = "https://identity.vismaonline.com"
CLIENT_ID = "ledgerbridge-test-client"
CLIENT_SECRET = "client-secret-value-123"
REFRESH_TOKEN = "refresh-token-one-abcdef"
ACCESS_TOKEN = "access-token-valid-abcdef"


class ConfigBuilder:
    def __init__(self) -> None:
        self._config: dict[str, Any] = {
            "api_url": API_URL,
            "identity_url": IDENTITY_URL,
            "credentials": {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH_TOKEN,
                "access_token": ACCESS_TOKEN,
                "token_expiry_date": (datetime.now(UTC) + timedelta(minutes=50)).isoformat(),
            },
        }

    def with_expired_access_token(self) -> ConfigBuilder:
        self._config["credentials"].pop("access_token")
        self._config["credentials"].pop("token_expiry_date")
        return self

    def with_api_url(self, url: str) -> ConfigBuilder:
        self._config["api_url"] = url
        return self

    def build(self) -> dict[str, Any]:
        return self._config
