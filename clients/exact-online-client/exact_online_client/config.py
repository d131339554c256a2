"""Connection settings shared by every Exact Online connector: country site, credentials, URLs built from them."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from ledgerbridge_write_safety.settings_errors import invalid_settings

DEFAULT_BASE_URL = "https://start.exactonline.nl"
LOOPBACK_NAMES = {"localhost"}
TOKEN_PATH = "/api/oauth2/token"  # noqa: S105 - a URL path
AUTHORIZE_PATH = "/api/oauth2/auth"
#: Exact Online grants an app every API it registered for; the authorisation request names no scope.
AUTHORIZE_SCOPES: tuple[str, ...] = ()


class ExactOnlineCredentials(BaseModel):
    """OAuth client and the current link of the single-use refresh-token chain."""

    model_config = ConfigDict(extra="allow")

    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    refresh_token: SecretStr
    access_token: SecretStr | None = None
    token_expiry_date: str | None = None


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_base_url(value: str) -> str:
    """The country site root (e.g. https://start.exactonline.be); plain http only for loopback emulators."""
    parts = urlsplit(value.strip())
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ValueError(f"base_url must be an absolute https:// URL such as {DEFAULT_BASE_URL}, got {value!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(f"base_url {value!r} uses http://, which is only accepted for loopback hosts; use https://")
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        raise ValueError(f"base_url must be the site root without a path, e.g. {DEFAULT_BASE_URL}; got {value!r}")
    return f"{parts.scheme}://{parts.netloc}"


def token_endpoint(base_url: str) -> str:
    return normalise_base_url(base_url) + TOKEN_PATH


def authorize_endpoint(base_url: str) -> str:
    """The consent page a user signs in on to authorise the app (the authorisation-code flow's first step)."""
    return normalise_base_url(base_url) + AUTHORIZE_PATH


class ExactOnlineConnection(BaseModel):
    """Where to talk to Exact Online and with which credentials (config keys as in the connector specs)."""

    model_config = ConfigDict(extra="allow")

    base_url: str = DEFAULT_BASE_URL
    credentials: ExactOnlineCredentials

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        return normalise_base_url(value)

    @property
    def token_url(self) -> str:
        return token_endpoint(self.base_url)

    @property
    def me_url(self) -> str:
        return f"{self.base_url}/api/v1/current/Me"

    def division_url(self, division: int | str) -> str:
        """Root of the REST resources of one division (company), ending in a slash."""
        return f"{self.base_url}/api/v1/{int(division)}/"


class InvalidConfigError(ValueError):
    """The configuration cannot work; the message names each setting at fault and never its value."""


def parse_config(config: Mapping[str, Any]) -> ExactOnlineConnection:
    try:
        return ExactOnlineConnection.model_validate(dict(config))
    except ValidationError as error:
        raise InvalidConfigError(invalid_settings(error)) from None
