"""The Airbyte platform's declarative OAuth flow (the Authenticate button), driven by a connector's spec alone.

What the platform does, per Airbyte's declarative OAuth docs: it copies the config values named in
``oauth_user_input_from_connector_config_specification`` into the template variables, renders ``consent_url`` with
``client_id_value``/``redirect_uri_value``/``scope_value``/``state_value`` (Jinja, with filters such as ``urlencode``),
sends the browser there, takes ``code`` and ``state`` from the redirect, renders ``access_token_url``,
``access_token_headers`` and ``access_token_params`` (form-encoded when the headers say so, JSON otherwise), posts, and
writes each ``complete_oauth_output_specification`` property from ``path_in_oauth_response`` to
``path_in_connector_config``, and the server-side client id and secret per
``complete_oauth_server_output_specification``. Nothing here knows which connector it drives.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from jinja2.sandbox import SandboxedEnvironment

REDIRECT_URI = "https://cloud.airbyte.example/auth_flow"
TIMEOUT = 30


class OAuthFlowError(AssertionError):
    pass


@dataclass(frozen=True)
class ServerParameters:
    """What the workspace admin stores for the connector's OAuth app (never part of the user's form)."""

    client_id: str
    client_secret: str


def _templates() -> SandboxedEnvironment:
    environment = SandboxedEnvironment(autoescape=False)
    environment.filters["urlencode"] = lambda value: requests.utils.quote(str(value), safe="")
    return environment


def _at(document: Mapping[str, Any], path: Sequence[str]) -> Any:
    node: Any = document
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def _put(document: dict[str, Any], path: Sequence[str], value: Any) -> None:
    node = document
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


class DeclarativeOAuthFlow:
    def __init__(self, spec: Mapping[str, Any], server: ServerParameters) -> None:
        advanced_auth = spec.get("advanced_auth") or {}
        if advanced_auth.get("auth_flow_type") != "oauth2.0":
            raise OAuthFlowError("the spec declares no oauth2.0 advanced_auth")
        self.oauth = advanced_auth["oauth_config_specification"]
        self.inputs = self.oauth["oauth_connector_input_specification"]
        self.server = server
        self.templates = _templates()

    def user_inputs(self, form: Mapping[str, Any]) -> dict[str, Any]:
        properties = (self.oauth.get("oauth_user_input_from_connector_config_specification") or {}).get("properties")
        found = {name: _at(form, prop["path_in_connector_config"]) for name, prop in (properties or {}).items()}
        return {name: value for name, value in found.items() if value is not None}

    def _render(self, template: str, variables: Mapping[str, Any]) -> str:
        return self.templates.from_string(template).render(**variables)

    def consent_url(self, form: Mapping[str, Any], state: str) -> str:
        variables = {
            **self.user_inputs(form),
            "client_id_value": self.server.client_id,
            "redirect_uri_value": REDIRECT_URI,
            "scope_value": self.inputs.get("scope", ""),
            "state_value": state,
        }
        return self._render(self.inputs["consent_url"], variables)

    def authorize(self, form: Mapping[str, Any]) -> str:
        """The user's browser visits the consent URL; the provider redirects back with a code (checked ``state``)."""
        state = secrets.token_urlsafe(16)
        response = requests.get(self.consent_url(form, state), allow_redirects=False, timeout=TIMEOUT)
        if response.status_code not in (301, 302, 303, 307):
            raise OAuthFlowError(f"consent page answered {response.status_code}: {response.text[:300]}")
        location = urlsplit(response.headers["Location"])
        redirect = urlsplit(REDIRECT_URI)
        if (location.scheme, location.netloc, location.path) != (redirect.scheme, redirect.netloc, redirect.path):
            raise OAuthFlowError(f"redirected to {location.geturl()}, not to the platform's redirect URI")
        query = {key: values[0] for key, values in parse_qs(location.query).items()}
        if query.get("state") != state:
            raise OAuthFlowError("the redirect carried another state")
        if "code" not in query:
            raise OAuthFlowError(f"no code in the redirect: {query}")
        return query["code"]

    def exchange(self, form: Mapping[str, Any], code: str) -> dict[str, Any]:
        variables = {
            **self.user_inputs(form),
            "client_id_value": self.server.client_id,
            "client_secret_value": self.server.client_secret,
            "redirect_uri_value": REDIRECT_URI,
            "auth_code_value": code,
        }
        url = self._render(self.inputs["access_token_url"], variables)
        headers = {
            key: self._render(value, variables)
            for key, value in (self.inputs.get("access_token_headers") or {}).items()
        }
        params = {
            key: self._render(value, variables) for key, value in (self.inputs.get("access_token_params") or {}).items()
        }
        if headers.get("Content-Type") == "application/x-www-form-urlencoded":
            response = requests.post(url, data=urlencode(params), headers=headers, timeout=TIMEOUT)
        else:
            response = requests.post(url, json=params, headers=headers, timeout=TIMEOUT)
        if response.status_code != 200:
            raise OAuthFlowError(f"token endpoint answered {response.status_code}: {response.text[:300]}")
        return response.json()

    def complete(self, form: Mapping[str, Any], token_response: Mapping[str, Any]) -> dict[str, Any]:
        """The config the platform saves: the form plus the OAuth outputs and the server-side app credentials."""
        config = copy.deepcopy(dict(form))
        extracted = self.inputs.get("extract_output")
        outputs = (self.oauth.get("complete_oauth_output_specification") or {}).get("properties") or {}
        for name, prop in outputs.items():
            source = prop.get("path_in_oauth_response") or [name]
            if extracted is not None and source[0] not in extracted:
                raise OAuthFlowError(f"{name} maps {source}, which extract_output does not extract")
            value = _at(token_response, source)
            if value is None:
                raise OAuthFlowError(f"the token response has no {'.'.join(source)} for {name}")
            _put(config, prop["path_in_connector_config"], value)
        server_outputs = (self.oauth.get("complete_oauth_server_output_specification") or {}).get("properties") or {}
        for name, prop in server_outputs.items():
            _put(config, prop["path_in_connector_config"], getattr(self.server, name))
        return config

    def run(self, form: Mapping[str, Any]) -> dict[str, Any]:
        return self.complete(form, self.exchange(form, self.authorize(form)))
