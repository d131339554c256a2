"""The connector configuration both eAccounting connectors share (keys fixed by DESIGN.md)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ledgerbridge_write_safety.settings_errors import invalid_settings

from .pacing import CALLS_PER_MINUTE
from .urls import PRODUCTION_API_URL, PRODUCTION_IDENTITY_URL, SANDBOX_API_URL, SANDBOX_IDENTITY_URL, check_transport


class Environment(StrEnum):
    """Visma runs production and the developer sandbox on different hosts; an app belongs to exactly one."""

    PRODUCTION = "production"
    SANDBOX = "sandbox"


HOSTS = {
    Environment.PRODUCTION: (PRODUCTION_API_URL, PRODUCTION_IDENTITY_URL),
    Environment.SANDBOX: (SANDBOX_API_URL, SANDBOX_IDENTITY_URL),
}


class Credentials(BaseModel):
    model_config = ConfigDict(extra="allow")

    client_id: str = Field(min_length=1)
    client_secret: str = Field(min_length=1)
    refresh_token: str = Field(min_length=1)
    access_token: str | None = None
    token_expiry_date: str | None = None


class EAccountingConfig(BaseModel):
    model_config = ConfigDict(extra="allow")

    environment: Environment = Environment.PRODUCTION
    # Empty means "the environment's host"; a value overrides it (an emulator, a proxy).
    api_url: str = ""
    identity_url: str = ""
    credentials: Credentials
    # eAccounting allows 600 calls per minute per client and endpoint. A lower pace leaves room for other
    # integrations on the same company; a higher one only makes sense against a quota that allows it (the emulator).
    calls_per_minute: int = Field(default=CALLS_PER_MINUTE, ge=1)

    @field_validator("api_url", "identity_url", mode="before")
    @classmethod
    def _absent_is_empty(cls, value: object) -> object:
        return "" if value is None else value

    @model_validator(mode="after")
    def _hosts_follow_the_environment(self) -> EAccountingConfig:
        api_url, identity_url = HOSTS[self.environment]
        self.api_url = check_transport(self.api_url or api_url, "api_url")
        self.identity_url = check_transport(self.identity_url or identity_url, "identity_url")
        return self


class InvalidConfigError(ValueError):
    """The configuration cannot work; the message names the field and never its secret value."""


def parse_config(config: Mapping[str, Any]) -> EAccountingConfig:
    try:
        return EAccountingConfig.model_validate(dict(config))
    except ValidationError as error:
        raise InvalidConfigError("Invalid eAccounting configuration — " + invalid_settings(error)) from None
