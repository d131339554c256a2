"""Where the API and the identity server live, and which URLs we are willing to send credentials to."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

PRODUCTION_API_URL = "https://eaccountingapi.vismaonline.com/v2"
PRODUCTION_IDENTITY_URL = "https://identity.vismaonline.com"
SANDBOX_API_URL = "https://eaccountingapi-sandbox.test.vismaonline.com/v2"
SANDBOX_IDENTITY_URL = "https://identity-sandbox.test.vismaonline.com"
TOKEN_PATH = "/connect/token"  # noqa: S105 - a URL path
AUTHORIZE_PATH = "/connect/authorize"


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_transport(url: str, field: str) -> str:
    """Return `url` without a trailing slash, or raise ValueError naming `field`.

    Tokens travel with every request, so plain http is allowed only where nothing leaves the machine (emulators).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{field} must be an absolute http(s) URL, got {url!r}")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ValueError(f"{field} must use https:// (http:// is accepted only for localhost/127.0.0.1), got {url!r}")
    return url.rstrip("/")


def token_endpoint(identity_url: str) -> str:
    return identity_url.rstrip("/") + TOKEN_PATH


def authorize_endpoint(identity_url: str) -> str:
    """The consent page a user signs in on to authorise the app (the authorisation-code flow's first step)."""
    return identity_url.rstrip("/") + AUTHORIZE_PATH


def resource_url(api_url: str, path: str) -> str:
    return api_url.rstrip("/") + "/" + path.lstrip("/")
