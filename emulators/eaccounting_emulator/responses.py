"""Turns requests into backend calls and results into eAccounting's wire format.

Every API call passes, in order: bearer token (401 / 4005), scopes named in the operation's description (403 / 4006),
the per-client-and-endpoint quota (429 / 4010), request-body validation against the operation's schema (400 / 2000),
then the operation itself. Lists come in the ``{"Meta": {…}, "Data": […]}`` envelope.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as NoRoute
from werkzeug.wrappers import Request, Response

from eaccounting_emulator.auth import IdentityServer
from eaccounting_emulator.exceptions import (
    CONTENT_TYPE,
    RESOURCE_NOT_FOUND,
    EAccountingError,
    MissingScope,
    NotAuthorized,
    ValidationFailed,
    field_error,
)
from eaccounting_emulator.identity import IdentityEndpoints
from eaccounting_emulator.models.backend import Backend
from eaccounting_emulator.models.rules.sales import DRAFT, ONGOING, SHIPPED
from eaccounting_emulator.models.store import Collection, account_key
from eaccounting_emulator.query import ListQuery, parse_list_query, project, sort_records
from eaccounting_emulator.rate_limits import RateLimiter
from eaccounting_emulator.schemas import format_date_time, parse_date_time, shaped, validate_body, writable
from eaccounting_emulator.urls import AUTHORIZE_PATH, OPERATIONS_BY_KEY, TOKEN_PATH, build_map
from emulator_kit.jsonio import dumps, loads

API_SCOPE = "ea:api"
logger = logging.getLogger(__name__)
Handler = Callable[..., Response]


# A date-time value as the store keeps it: RFC 3339 UTC with exactly six fractional digits.
_STORED_DATE_TIME = re.compile(rb'"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{6})Z"')


def _dotnet_date_time(match: re.Match[bytes]) -> bytes:
    fraction = match.group(2).rstrip(b"0")
    return b'"' + match.group(1) + (fraction if fraction != b"." else b"") + b'Z"'


def json_body(payload: Any, status: int = 200) -> Response:
    """The body as the real API writes it: .NET serialises a DateTime with only the fractional digits it needs
    (``2024-05-01T00:00:00Z``, ``…:28.12Z``, ``…:28.1234567Z``), so clients must not expect a fixed width. The store
    keeps one fixed width (exact comparisons); the wire form is made here, on whole JSON string values only."""
    return Response(_STORED_DATE_TIME.sub(_dotnet_date_time, dumps(payload)), status=status, content_type=CONTENT_TYPE)


class EAccountingApi:
    """The WSGI application behind the kit middleware: identity endpoints plus ``/v2``."""

    def __init__(
        self, backend: Backend, identity: IdentityServer, limiter: RateLimiter, on_change: Callable[[], None]
    ) -> None:
        self.backend = backend
        self.identity = identity
        self.limiter = limiter
        self.identity_endpoints = IdentityEndpoints(identity, on_change)
        self.url_map = build_map()
        self.handlers: dict[str, Handler] = self._handlers()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        return self.dispatch(request)(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        path = request.path.lower().rstrip("/")
        if path == TOKEN_PATH:
            return self.identity_endpoints.token(request)
        if path == AUTHORIZE_PATH:
            return self.identity_endpoints.authorize(request)
        try:
            return self._api_call(request, path)
        except EAccountingError as error:
            return error.response()
        except Exception:
            logger.exception("unexpected error serving %s %s", request.method, request.path)
            return EAccountingError(500, 5000, "InternalServerError - An unexpected error occurred").response()

    def _api_call(self, request: Request, path: str) -> Response:
        grant = self._authenticate(request)
        try:
            key, params = self.url_map.bind("localhost").match(path, method=request.method)
        except MethodNotAllowed:
            return EAccountingError(
                405, RESOURCE_NOT_FOUND, f"The requested resource does not support {request.method}"
            ).response()
        except (NoRoute, HTTPException):
            message = f"No HTTP resource was found that matches {request.path}"
            raise EAccountingError(404, RESOURCE_NOT_FOUND, message) from None
        operation = OPERATIONS_BY_KEY[key]
        if API_SCOPE not in grant["scopes"] or not set(operation["scopes"]) & set(grant["scopes"]):
            raise MissingScope(operation["scopes"])
        self.limiter.check(grant["client_id"], operation["path"].lower())
        handler = self.handlers.get(key)
        if handler is None:
            raise EAccountingError(404, RESOURCE_NOT_FOUND, f"{key} is not emulated")
        body = self._body(request, operation)
        return handler(request, operation, body, **params)

    def _authenticate(self, request: Request) -> dict[str, Any]:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        grant = self.identity.bearer(token.strip()) if scheme.lower() == "bearer" else None
        if grant is None:
            raise NotAuthorized()
        return grant

    def _body(self, request: Request, operation: dict[str, Any]) -> Any:
        schema = operation["body"]
        if not schema or request.method not in ("POST", "PUT"):
            return None
        raw = request.get_data()
        if not raw.strip():
            if schema in ("OrderConversionApi", "CustomerInvoiceDraftValidationApi"):
                return {}
            raise ValidationFailed([field_error("", "Required", "A request body is required.")])
        try:
            body = loads(raw)
        except ValueError as error:
            raise ValidationFailed(
                [field_error("", "InvalidJson", f"The request body is not valid JSON: {error}")]
            ) from None
        return validate_body(schema, body)

    # --- handler table --------------------------------------------------------------------------------------------
    def _handlers(self) -> dict[str, Handler]:
        handlers: dict[str, Handler] = {}
        for key, operation in OPERATIONS_BY_KEY.items():
            parts = operation["path"].split("/")[2:]
            root = parts[0]
            if root not in self.backend.collections or len(parts) > 2:
                continue
            if len(parts) == 2 and not parts[1].startswith("{"):
                continue
            method = operation["method"]
            if len(parts) == 1:
                if method == "GET":
                    handlers[key] = self._list_handler(root)
                elif method == "POST":
                    handlers[key] = self._create_handler(root)
            elif method == "GET":
                handlers[key] = self._get_handler(root)
            elif method == "PUT":
                handlers[key] = self._replace_handler(root)
            elif method == "DELETE":
                handlers[key] = self._delete_handler(root)
        handlers.update(
            {
                "GET /v2/companysettings": lambda request, operation, body: json_body(self.backend.company),
                "PUT /v2/companysettings": self._replace_company_settings,
                "GET /v2/countries/{countrycode}": self._get_country,
                "GET /v2/customerinvoices": self._list_invoices,
                "POST /v2/vouchers": self._create_voucher,
                "GET /v2/vouchers/{fiscalyearId}": self._list_vouchers_in_year,
                "GET /v2/vouchers/{fiscalyearId}/{voucherId}": self._get_voucher,
                "GET /v2/accounts": self._list_accounts_current_year,
                "GET /v2/accounts/{fiscalyearId}": self._list_accounts_in_year,
                "GET /v2/accounts/{fiscalyearId}/{accountNumber}": self._get_account,
                "PUT /v2/accounts/{fiscalyearId}/{accountNumber}": self._replace_account,
                "PUT /v2/fiscalyears/{id}": self._update_fiscal_year,
                "POST /v2/orders/{id}/convert": self._convert_order,
                "POST /v2/orders/{id}/converteddrafttoorder": self._order_transition(
                    DRAFT, ONGOING, "converted to an order"
                ),
                "POST /v2/orders/{id}/completed": self._order_transition(ONGOING, SHIPPED, "completed"),
                "POST /v2/orders/{id}/voided": self._order_transition(SHIPPED, ONGOING, "voided"),
                "POST /v2/customerinvoicedrafts/{customerInvoiceDraftId}/convert": self._convert_draft,
            }
        )
        return handlers

    def _list_handler(self, path: str) -> Handler:
        def handle(request: Request, operation: dict[str, Any], body: Any) -> Response:
            return self.page(request, self.backend.collection(path))

        return handle

    def _get_handler(self, path: str) -> Handler:
        def handle(request: Request, operation: dict[str, Any], body: Any, **params: str) -> Response:
            (key,) = params.values()
            return json_body(self.backend.get(path, key))

        return handle

    def _create_handler(self, path: str) -> Handler:
        def handle(request: Request, operation: dict[str, Any], body: Any) -> Response:
            return json_body(self.backend.create(path, body), operation["status"])

        return handle

    def _replace_handler(self, path: str) -> Handler:
        def handle(request: Request, operation: dict[str, Any], body: Any, **params: str) -> Response:
            (key,) = params.values()
            return json_body(self.backend.replace(path, key, body), operation["status"])

        return handle

    def _delete_handler(self, path: str) -> Handler:
        def handle(request: Request, operation: dict[str, Any], body: Any, **params: str) -> Response:
            (key,) = params.values()
            self.backend.delete(path, key)
            return Response(status=operation["status"])

        return handle

    # --- lists ----------------------------------------------------------------------------------------------------
    def page(
        self, request: Request, collection: Collection, scope: Callable[[dict[str, Any]], bool] | None = None
    ) -> Response:
        query = parse_list_query(request.args, collection.schema)
        with self.backend.lock:
            rows, ordered = self._candidates(collection, query)
            if scope is not None:
                rows = [row for row in rows if scope(row)]
            if query.predicate is not None:
                rows = [row for row in rows if query.predicate(row)]
        if query.order and not ordered:
            sort_records(rows, query.order)
        total = len(rows)
        start = (query.page - 1) * query.page_size
        data = project(rows[start : start + query.page_size], query.select)
        meta = {
            "CurrentPage": query.page,
            "PageSize": query.page_size,
            "TotalNumberOfPages": math.ceil(total / query.page_size),
            "TotalNumberOfResults": total,
            "ServerTimeUtc": format_date_time(self.backend.clock.now()).split(".")[0] + "Z",
        }
        return json_body({"Meta": meta, "Data": data})

    def _candidates(self, collection: Collection, query: ListQuery) -> tuple[list[dict[str, Any]], bool]:
        """The rows to filter, from the change index when the query allows; True when already in requested order."""
        stamp = collection.stamp_field
        by_stamp = bool(stamp) and len(query.order) == 1 and query.order[0][0] == stamp
        if query.since is not None and query.since.field == stamp:
            rows = list(collection.changed_since(query.since))
        elif by_stamp:
            rows = list(collection.in_change_order())
        else:
            return collection.values(), False
        if by_stamp and query.order[0][1]:
            rows.reverse()
        return rows, by_stamp or not query.order

    def _list_invoices(self, request: Request, operation: dict[str, Any], body: Any) -> Response:
        since = request.args.get("modifiedSinceUtc")
        if not since:
            return self.page(request, self.backend.collection("customerinvoices"))
        try:
            threshold = format_date_time(parse_date_time(since))
        except ValueError:
            raise EAccountingError(
                400, 6001, f"InvalidInput - modifiedSinceUtc '{since}' is not a valid date"
            ) from None
        return self.page(
            request, self.backend.collection("customerinvoices"), lambda row: row["ModifiedUtc"] > threshold
        )

    # --- special resources ----------------------------------------------------------------------------------------
    def _replace_company_settings(self, request: Request, operation: dict[str, Any], body: Any) -> Response:
        with self.backend.lock:
            company = self.backend.company
            fresh = shaped("CompanySettingsApi", {})
            kept = {name: value for name, value in company.items() if name not in writable("CompanySettingsApi")}
            self.backend.company = {**fresh, **kept, **body}
            self.backend.on_change()
            return json_body(self.backend.company)

    def _get_country(self, request: Request, operation: dict[str, Any], body: Any, countrycode: str) -> Response:
        return json_body(self.backend.get("countries", countrycode.upper(), "Country"))

    def _create_voucher(self, request: Request, operation: dict[str, Any], body: Any) -> Response:
        use_default_series = request.args.get("useDefaultVoucherSeries", "true").lower() != "false"
        with self.backend.lock:
            record = self.backend.accounting.build_voucher(body, None, use_default_series=use_default_series)
            self.backend.store("vouchers", record)
        return json_body(record, operation["status"])

    def _list_vouchers_in_year(self, request: Request, operation: dict[str, Any], body: Any, fiscalyearId: str):
        year = self.backend.get("fiscalyears", fiscalyearId, "FiscalYear")
        start, end = year["StartDate"], year["EndDate"]
        return self.page(request, self.backend.collection("vouchers"), lambda row: start <= row["VoucherDate"] <= end)

    def _get_voucher(self, request: Request, operation: dict[str, Any], body: Any, fiscalyearId: str, voucherId: str):
        return json_body(self.backend.accounting.voucher_in_year(fiscalyearId, voucherId))

    def _list_accounts_current_year(self, request: Request, operation: dict[str, Any], body: Any) -> Response:
        year = self.backend.accounting.fiscal_year_for(self.backend.today())
        if year is None:
            return self.page(request, self.backend.collection("accounts"), lambda row: False)
        return self._list_accounts_in_year(request, operation, body, year["Id"])

    def _list_accounts_in_year(self, request: Request, operation: dict[str, Any], body: Any, fiscalyearId: str):
        self.backend.get("fiscalyears", fiscalyearId, "FiscalYear")
        return self.page(request, self.backend.collection("accounts"), lambda row: row["FiscalYearId"] == fiscalyearId)

    def _get_account(self, request, operation, body, fiscalyearId: str, accountNumber: str) -> Response:
        return json_body(self.backend.get("accounts", account_key(fiscalyearId, accountNumber), "Account"))

    def _replace_account(self, request, operation, body, fiscalyearId: str, accountNumber: str) -> Response:
        record = self.backend.replace("accounts", account_key(fiscalyearId, accountNumber), body)
        return json_body(record, operation["status"])

    def _update_fiscal_year(self, request: Request, operation: dict[str, Any], body: Any, id: str) -> Response:
        return json_body(self.backend.accounting.lock_fiscal_year(id, body), operation["status"])

    def _convert_order(self, request: Request, operation: dict[str, Any], body: Any, id: str) -> Response:
        return json_body(self.backend.sales.convert_order(id, body or {}), operation["status"])

    def _order_transition(self, expected: int, target: int, action: str) -> Handler:
        def handle(request: Request, operation: dict[str, Any], body: Any, id: str) -> Response:
            return json_body(self.backend.sales.transition(id, expected, target, action), operation["status"])

        return handle

    def _convert_draft(self, request, operation, body, customerInvoiceDraftId: str) -> Response:
        return json_body(self.backend.sales.convert_draft(customerInvoiceDraftId), operation["status"])


def render_fault(kind: str, request: Request, retry_seconds: int = 60) -> Response:
    """Injected faults in eAccounting's own error shape."""
    if kind == "429":
        from eaccounting_emulator.exceptions import TooManyRequests

        return TooManyRequests(600, retry_seconds).response()
    if kind == "503":
        return EAccountingError(
            503, 5001, "CantReachSystemDependendency - A system dependency is unavailable"
        ).response()
    return EAccountingError(500, 5000, "InternalServerError - An unexpected error occurred").response()
