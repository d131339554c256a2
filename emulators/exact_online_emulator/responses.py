"""Turns HTTP requests into backend calls and results into Exact Online's exact wire format (OData v2 verbose JSON)."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote_plus, urlencode

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from emulator_kit.jsonio import dumps, loads
from exact_online_emulator.atom import ERROR_TYPE, render_error, render_payload, wants_json
from exact_online_emulator.auth import Authority
from exact_online_emulator.entities import ME_FIELDS, TYPES_BY_NAME, VIEWS_BY_LOWER_PATH, Entity, View
from exact_online_emulator.exceptions import (
    BadRequest,
    ExactError,
    Forbidden,
    NotFound,
    OAuthError,
    TooManyRequests,
    odata_error,
)
from exact_online_emulator.models.backend import Backend
from exact_online_emulator.models.division import Division
from exact_online_emulator.models.store import Row
from exact_online_emulator.odata import Query, compile_filter, parse_query
from exact_online_emulator.rate_limits import RateLimiter
from exact_online_emulator.urls import GUID_KEY, RESOURCE, URL_MAP
from exact_online_emulator.webhooks import COLLECTION as WEBHOOK_COLLECTION
from exact_online_emulator.webhooks import FIELDS as WEBHOOK_FIELDS
from exact_online_emulator.webhooks import TYPE_NAME as WEBHOOK_TYPE
from exact_online_emulator.webhooks import WebhookHub

log = logging.getLogger(__name__)
JSON = "application/json; charset=utf-8"
SELECT_REQUIRED = "Please add a $select or a $top=1 statement to the query string."


class ExactApi:
    def __init__(
        self,
        backend: Backend,
        authority: Authority,
        limiter: RateLimiter,
        on_write: Callable[[], None] | None = None,
        public_url: str | None = None,
        webhooks: WebhookHub | None = None,
    ) -> None:
        self.webhooks = webhooks
        self.public_url = public_url.rstrip("/") + "/" if public_url else None
        self.backend = backend
        self.authority = authority
        self.limiter = limiter
        self.on_write = on_write

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        return self.dispatch(request)(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        adapter = URL_MAP.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
        except HTTPException as error:
            return self._negotiate(request, odata_error(error.code or 404, "Resource not found for the segment."))
        try:
            if endpoint == "authorize":
                return self.authorize(request)
            if endpoint == "token":
                return self.token(request)
            if endpoint == "me":
                self.authority.authenticate(request.headers.get("Authorization"))
                return self._negotiate(request, self.me(request))
            return self._negotiate(request, self.division(request, values["division"], values["resource"]))
        except ExactError as error:
            return self._negotiate(request, error.response())
        except OAuthError as error:
            return error.response()

    def _negotiate(self, request: Request, response: Response) -> Response:
        """Exact answers JSON only to requests that accept it; everything else gets its default, Atom/XML."""
        if response.mimetype != "application/json" or wants_json(request):
            return response
        payload = loads(response.get_data())
        if "error" in payload:
            body, content_type = render_error(payload["error"]["message"]["value"]), ERROR_TYPE
        else:
            types = {**TYPES_BY_NAME, WEBHOOK_TYPE: WEBHOOK_FIELDS}
            body, content_type = render_payload(payload, types, self.backend.clock.now())
        response.set_data(body)
        response.content_type = content_type
        return response

    # ----------------------------------------------------------------- OAuth
    def authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("response_type", "code") != "code":
            raise BadRequest("Only response_type=code is supported.")
        redirect_uri = args.get("redirect_uri")
        if not redirect_uri:
            raise BadRequest("redirect_uri is required.")
        code = self.authority.authorize(args.get("client_id", ""), redirect_uri)
        params = {"code": code}
        if args.get("state") is not None:
            params["state"] = args["state"]
        separator = "&" if "?" in redirect_uri else "?"
        return Response(status=302, headers={"Location": redirect_uri + separator + urlencode(params, quote_via=quote)})

    def token(self, request: Request) -> Response:
        if not (request.mimetype or "").startswith("application/x-www-form-urlencoded"):
            raise OAuthError("invalid_request", "The token request must be application/x-www-form-urlencoded.")
        try:
            granted = self.authority.token(_client_authenticated_form(request))
        except OAuthError as error:
            if error.error == "invalid_client" and request.headers.get("Authorization", "").lower().startswith("basic"):
                # RFC 6749 §5.2: a client that authenticated with the Authorization header gets 401 and a challenge.
                error.status = 401
                error.headers["WWW-Authenticate"] = 'Basic realm="Exact Online"'
            raise
        if self.on_write:
            self.on_write()
        return Response(dumps(granted), status=200, content_type=JSON, headers={"Cache-Control": "no-store"})

    # ----------------------------------------------------------------- current/Me
    def me(self, request: Request) -> Response:
        user = self.backend.user
        division = self.backend.divisions[user.current_division]
        row = {
            "UserID": user.user_id,
            "CurrentDivision": user.current_division,
            "AccountingDivision": user.current_division,
            "DivisionCustomer": None,
            "DivisionCustomerName": division.name,
            "Email": user.email,
            "FirstName": user.first_name,
            "LastName": user.last_name,
            "FullName": user.full_name,
            "UserName": user.user_name,
            "Language": "en-NL",
            "LanguageCode": "en-NL",
            "Legislation": 1,
            "IsClientUser": False,
            "IsStarterUser": False,
            "ServerTime": self.backend.now_wire(),
            "ServerUtcOffset": 1.0,
        }
        query = parse_query(request.args)
        names = self._select(query, ME_FIELDS, "Exact.Web.Api.System.Me")
        record = {
            "__metadata": {
                "uri": f"{self.root(request)}api/v1/current/Me(guid'{user.user_id}')",
                "type": "Exact.Web.Api.System.Me",
            }
        }
        for name in names:
            record[name] = row.get(name)
        return Response(dumps({"d": {"results": [record]}}), content_type=JSON)

    # ----------------------------------------------------------------- division URLs
    def division(self, request: Request, code: int, resource: str) -> Response:
        token = self.authority.authenticate(request.headers.get("Authorization"))
        user = self.backend.user
        if code not in user.divisions or code not in self.backend.divisions:
            raise Forbidden("Forbidden - WrongDivision")
        match = RESOURCE.match(resource)
        endpoint = (match.group("path") if match else resource).lower()
        headers = self.limiter.admit(token.client_id, code, endpoint)
        try:
            response = self._division_call(request, self.backend.divisions[code], resource, match)
        except TooManyRequests:
            raise
        except ExactError as error:
            response = error.response()
        except Exception:
            log.exception("unexpected error on %s %s", request.method, request.path)
            response = odata_error(500, "An error has occurred.")
        self.limiter.record_status(token.client_id, code, endpoint, response.status_code)
        response.headers.extend(headers)
        return response

    def _division_call(self, request: Request, division: Division, resource: str, match: Any) -> Response:
        if match is None:
            raise NotFound(f"Resource not found for the segment '{resource}'.")
        if match.group("path").lower() == WEBHOOK_COLLECTION.lower() and self.webhooks is not None:
            return self._webhook_subscriptions(request, division, match)
        view = VIEWS_BY_LOWER_PATH.get(match.group("path").lower())
        if view is None:
            raise NotFound(f"Resource not found for the segment '{match.group('path')}'.")
        key_text, nav = match.group("key"), match.group("nav")
        method = request.method
        base = f"{self.root(request)}api/v1/{division.code}/"
        if key_text is None:
            if nav == "$count":
                if method != "GET":
                    raise BadRequest("$count only supports GET.")
                return self._count(division, view, request)
            if nav is not None:
                raise NotFound(f"Resource not found for the segment '{nav}'.")
            if method == "GET":
                return self._list(division, view, request, base)
            if method == "POST":
                return self._create(division, view, request, base)
            raise BadRequest(f"{method} requires a key: {view.path}(guid'…').")
        if view.kind != "regular":
            raise BadRequest("This resource does not support key lookups.")
        entity = view.entity
        key = _parse_key(key_text, entity)
        if nav is not None:
            if entity.lines is None or nav.lower() != entity.lines.field.lower() or method != "GET":
                raise NotFound(f"Resource not found for the segment '{nav}'.")
            self.backend.get_row(division, entity, key)
            line_view = VIEWS_BY_LOWER_PATH[entity.lines.collection.lower()]
            lines = self.backend.lines_of(division, entity, key)
            names = self._select(parse_query(request.args), line_view.fields, line_view.type_name)
            render = _renderer(line_view, names, base, (), None, None)
            return _json({"d": {"results": [render(row) for row in lines]}})
        if method == "GET":
            row = self.backend.get_row(division, entity, key)
            query = parse_query(request.args)
            names = self._select(query, view.fields, view.type_name, query.expand)
            expand = self._expand(entity, query)
            render = _renderer(view, names, base, expand, self.backend, division)
            return _json({"d": render(row)})
        if method == "PUT":
            self.backend.update(division, entity, key, _body(request))
            self._written()
            return Response(status=204)
        if method == "DELETE":
            self.backend.delete(division, entity, key)
            self._written()
            return Response(status=204)
        raise BadRequest(f"{method} is not supported.")

    def _webhook_subscriptions(self, request: Request, division: Division, match: Any) -> Response:
        hub = self.webhooks
        base = f"{self.root(request)}api/v1/{division.code}/"
        key_text, nav, method = match.group("key"), match.group("nav"), request.method
        if nav is not None:
            raise NotFound(f"Resource not found for the segment '{nav}'.")
        names = self._select(parse_query(request.args), WEBHOOK_FIELDS, WEBHOOK_TYPE)
        if key_text is None:
            if method == "GET":
                rows = [hub.render(s, base) for s in hub.list(division.code)]
                return _json({"d": {"results": [_only(row, names) for row in rows]}})
            if method == "POST":
                user = self.backend.user
                created = hub.subscribe(
                    division.code, user.user_id, user.full_name, _body(request), self.backend.now_wire()
                )
                record = hub.render(created, base)
                return Response(
                    dumps({"d": record}),
                    status=201,
                    content_type=JSON,
                    headers={"Location": record["__metadata"]["uri"]},
                )
            raise BadRequest(f"{method} requires a key: {WEBHOOK_COLLECTION}(guid'…').")
        key = GUID_KEY.match(key_text.strip())
        if key is None:
            raise BadRequest(f"Invalid key predicate '{key_text}'; expected guid'…'.")
        if method == "GET":
            return _json({"d": _only(hub.render(hub.get(division.code, key.group(1).lower()), base), names)})
        if method == "PUT":
            hub.update(division.code, key.group(1).lower(), _body(request))
            return Response(status=204)
        if method == "DELETE":
            hub.unsubscribe(division.code, key.group(1).lower())
            return Response(status=204)
        raise BadRequest(f"{method} is not supported.")

    def root(self, request: Request) -> str:
        """Where clients reach the site: links in __next and __metadata must use it (it differs behind a proxy)."""
        return self.public_url or request.host_url

    def _written(self) -> None:
        if self.on_write:
            self.on_write()

    def _list(self, division: Division, view: View, request: Request, base: str) -> Response:
        query = parse_query(request.args)
        if view.kind in ("bulk", "sync", "deleted") and query.select is None and query.top != 1:
            raise BadRequest(SELECT_REQUIRED)
        compiled = compile_filter(query.filter, view.fields, view.type_name) if query.filter else None
        if view.kind in ("sync", "deleted") and compiled and compiled.fields - {"Timestamp"}:
            raise BadRequest("This $filter parameter is not supported for this resource. Only Timestamp is allowed.")
        mandatory = view.entity.mandatory_filter if view.kind == "regular" else None
        if mandatory is not None and not (compiled and compiled.fields & mandatory):
            raise BadRequest(
                "This endpoint has mandatory filtering applied. A GET request for this endpoint must have a $filter "
                "parameter with one of the following fields in the url:" + ",".join(sorted(mandatory)) + "."
            )
        for name, _descending in query.orderby:
            if name not in view.fields:
                raise BadRequest(f"No property '{name}' exists in type '{view.type_name}'.")
        names = self._select(query, view.fields, view.type_name, query.expand)
        expand = self._expand(view.entity, query) if view.kind == "regular" else ()
        page = self.backend.read_page(division, view, query, compiled)
        render = _renderer(view, names, base, expand, self.backend, division)
        results = [render(row) for row in page.rows]
        if query.top is not None:
            return _json({"d": results})
        body: dict[str, Any] = {"results": results}
        if page.count is not None:
            # OData v2 verbose JSON writes the inline count as a string (Edm.Int64 is a JSON string in v2).
            body["__count"] = str(page.count)
        if page.next_token:
            body["__next"] = _next_url(request, base + view.path, page.next_token)
        return _json({"d": body})

    def _count(self, division: Division, view: View, request: Request) -> Response:
        query = parse_query(request.args)
        compiled = compile_filter(query.filter, view.fields, view.type_name) if query.filter else None
        query.inlinecount, query.top, query.skiptoken = True, 0, None
        page = self.backend.read_page(division, view, query, compiled)
        return Response(str(page.count), content_type="text/plain; charset=utf-8")

    def _create(self, division: Division, view: View, request: Request, base: str) -> Response:
        if view.kind != "regular":
            raise BadRequest(f"POST is not supported on {view.path}.")
        body = _body(request)
        row = self.backend.create(division, view.entity, body)
        self._written()
        entity = view.entity
        full = "return=representation" in request.headers.get("Prefer", "")
        names = [
            name
            for name in view.fields
            if view.fields[name] != "Collection" or (entity.lines and name == entity.lines.field)
        ]
        expand = (entity.lines.field,) if entity.lines and full else ()
        render = _renderer(view, names, base, expand, self.backend, division)
        record = render(row)
        if not full:
            # Without Prefer: return=representation Exact fills little more than the key and what was sent.
            sent = set(body) | {entity.key}
            record = {name: (value if name in sent or name == "__metadata" else None) for name, value in record.items()}
            if entity.lines and entity.lines.field in record:
                record[entity.lines.field] = {
                    "__deferred": {"uri": record["__metadata"]["uri"] + "/" + entity.lines.field}
                }
        location = record["__metadata"]["uri"]
        return Response(dumps({"d": record}), status=201, content_type=JSON, headers={"Location": location})

    def _select(
        self, query: Query, fields: dict[str, str], type_name: str, expand: list[str] | tuple = ()
    ) -> list[str]:
        if query.select is None:
            return list(fields)
        names: list[str] = []
        for name in query.select:
            head = name.split("/", 1)[0]
            if head not in fields:
                raise BadRequest(f"Type '{type_name}' does not have a property named '{head}'.")
            if "/" in name and head not in expand:
                raise BadRequest(
                    "Only properties specified in $expand can be traversed in $select query options. "
                    f"Selected item: '{name}'."
                )
            if head not in names:
                names.append(head)
        return names

    def _expand(self, entity: Entity, query: Query) -> tuple[str, ...]:
        for name in query.expand:
            if entity.lines is None or name != entity.lines.field:
                raise BadRequest(f"Type '{entity.type_name}' does not have a navigation property named '{name}'.")
        return tuple(query.expand)


def _renderer(
    view: View,
    names: list[str],
    base: str,
    expand: tuple[str, ...] | list[str],
    backend: Backend | None,
    division: Division | None,
) -> Callable[[Row], dict[str, Any]]:
    """Builds the per-row serialiser once per request, so a 1,000-row page costs a dict build per row and no more."""
    entity = view.entity
    type_name = view.type_name
    fields = view.fields
    is_regular = view.kind == "regular"
    key = entity.key if is_regular else "Timestamp"
    prefix = f"{base}{view.path}("
    key_is_guid = fields.get(key) == "Guid"
    plain = [n for n in names if fields.get(n) != "Collection"]
    collections = [n for n in names if fields.get(n) == "Collection"]

    # Fields a view documents but its collection does not store: the sync view of sales order headers names the
    # shipping method's Code, which salesorder/SalesOrders (the stored rows) does not have.
    derived: list[tuple[str, Callable[[Row], Any]]] = []
    if view.path == "sync/SalesOrder/SalesOrderHeaders" and "ShippingMethodCode" in names and division is not None:
        methods = division.tables["sales/ShippingMethods"]
        derived.append(
            ("ShippingMethodCode", lambda row: (methods.get(row.get("ShippingMethod") or "") or {}).get("Code"))
        )
    line_render: Callable[[Row], dict[str, Any]] | None = None
    if entity.lines and entity.lines.field in expand and backend is not None:
        line_view = VIEWS_BY_LOWER_PATH[entity.lines.collection.lower()]
        line_render = _renderer(line_view, list(line_view.fields), base, (), None, None)

    def render(row: Row) -> dict[str, Any]:
        get = row.get
        key_value = get(key)
        uri = f"{prefix}guid'{key_value}')" if key_is_guid else f"{prefix}{key_value}L)"
        record: dict[str, Any] = {"__metadata": {"uri": uri, "type": type_name}}
        for name in plain:
            record[name] = get(name)
        for name, value_of in derived:
            record[name] = value_of(row)
        for name in collections:
            if line_render is not None and name == entity.lines.field:
                record[name] = {
                    "results": [line_render(line) for line in backend.lines_of(division, entity, key_value)]
                }
            else:
                record[name] = {"__deferred": {"uri": f"{uri}/{name}"}}
        return record

    return render


def _parse_key(text: str, entity: Entity) -> str:
    match = GUID_KEY.match(text.strip())
    if not match:
        raise BadRequest(f"Invalid key predicate '{text}' for {entity.type_name}; expected guid'…'.")
    return match.group(1).lower()


def _body(request: Request) -> Any:
    data = request.get_data()
    if not data:
        raise BadRequest("Error processing request stream. The request should be a valid top-level resource object.")
    try:
        return loads(data)
    except ValueError:
        raise BadRequest("Error processing request stream. The request body is not valid JSON.") from None


def _only(record: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {name: value for name, value in record.items() if name == "__metadata" or name in names}


def _client_authenticated_form(request: Request) -> dict[str, str]:
    """The token request's form with the client's credentials, sent in the form or by HTTP Basic.

    OAuth 2.0 (RFC 6749 §2.3.1) makes servers support HTTP Basic client authentication and allows the credentials in
    the body as an alternative; a request must not use both. ``exact-online-sdk`` (PyPI) authenticates with Basic,
    the other published clients with form fields (research/exact-online.md §3).
    """
    form = request.form.to_dict()
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return form
    if "client_secret" in form:
        raise OAuthError("invalid_request", "The client must use only one authentication method.")
    try:
        # RFC 6749 §2.3.1: id and secret are form-encoded before they are put in the Basic header.
        client_id, separator, client_secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        raise OAuthError("invalid_client", "Malformed HTTP Basic client credentials.") from None
    client_id, client_secret = unquote_plus(client_id), unquote_plus(client_secret)
    if not separator or form.get("client_id", client_id) != client_id:
        raise OAuthError("invalid_client", "Client authentication failed.")
    return {**form, "client_id": client_id, "client_secret": client_secret}


def _json(body: Any) -> Response:
    return Response(dumps(body), content_type=JSON)


def _next_url(request: Request, collection_url: str, token: str) -> str:
    params = [(k, v) for k, v in request.args.items(multi=True) if k != "$skiptoken"]
    params.append(("$skiptoken", token))
    return collection_url + "?" + urlencode(params, quote_via=quote, safe="$',()")


def render_fault(kind: str, request: Request) -> Response:
    if kind == "429":
        return TooManyRequests("injected").response()
    if kind == "503":
        return odata_error(503, "Service Unavailable")
    return odata_error(500, "An error has occurred.")
