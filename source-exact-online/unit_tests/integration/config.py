from __future__ import annotations

from typing import Any

BASE_URL = "https://start.exactonline.nl"
DIVISION = 7095
CLIENT_ID = "3f0b0b7e-client"
CLIENT_SECRET = "app-secret-value"
REFRESH_TOKEN = "refresh-token-0001"
ACCESS_TOKEN = "access-token-valid"


class ConfigBuilder:
    """A source config; by default it carries a still-valid access token so no refresh happens."""

    def __init__(self) -> None:
        self._config: dict[str, Any] = {
            "base_url": BASE_URL,
            "divisions": [DIVISION],
            "credentials": {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH_TOKEN,
                "access_token": ACCESS_TOKEN,
                "token_expiry_date": "2999-01-01T00:00:00+00:00",
            },
        }

    def with_divisions(self, *divisions: int) -> ConfigBuilder:
        self._config["divisions"] = list(divisions)
        return self

    def with_expired_access_token(self, expired_at: str = "2020-01-01T00:00:00+00:00") -> ConfigBuilder:
        self._config["credentials"]["token_expiry_date"] = expired_at
        return self

    def with_access_token_expiring(self, expiry: str) -> ConfigBuilder:
        self._config["credentials"]["token_expiry_date"] = expiry
        return self

    def build(self) -> dict[str, Any]:
        return {**self._config, "credentials": dict(self._config["credentials"])}
