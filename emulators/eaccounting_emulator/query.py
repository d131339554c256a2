"""The documented query options of list endpoints: ``$filter`` (an OData v4 subset), ``$orderby``, ``$select``,
``$page`` and ``$pagesize``.

The real API parses ``$filter`` with ASP.NET OData v4 (research/eaccounting.md §3: the 2020 description's
``ODataQueryOptions``; v4 examples ``VoucherDate ge 2024-01-01T00:00:00.00Z``). v4 has no typed string literals, so the
v2 forms ``datetime'…'``, ``datetimeoffset'…'`` and ``guid'…'`` are syntax errors there, and a quoted string cannot be
compared with a date-time or a Guid property (incompatible operand types); dates and GUIDs are written bare.

Date-times are stored in one fixed-width RFC 3339 form (see schemas.format_date_time), so comparisons on them are
plain string comparisons. String equality and ``contains`` ignore case, as the SQL Server collation behind the real
API does.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from eaccounting_emulator.exceptions import QueryParameterError
from eaccounting_emulator.schemas import format_date_time, parse_date_time, properties, types_of

DEFAULT_PAGE_SIZE = 50
# The maximum the developer documentation states (secondary source); larger requests are clamped to it.
MAX_PAGE_SIZE = 1000
STAMP_FIELDS = ("ChangedUtc", "ModifiedUtc")

Predicate = Callable[[dict[str, Any]], bool]

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<lparen>\()|(?P<rparen>\))|(?P<comma>,)
    |(?P<string>'(?:[^']|'')*')
    |(?P<typed>(?:datetime|datetimeoffset|guid)'[^']*')
    |(?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})
    |(?P<datetime>\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)
    |(?P<number>-?\d+(?:\.\d+)?)
    |(?P<name>[A-Za-z_][A-Za-z0-9_/]*)
    )""",
    re.VERBOSE,
)
_COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
_FUNCTIONS = {"contains", "startswith", "endswith"}


@dataclass(frozen=True)
class Since:
    """A ``<stamp field> gt|ge <date-time>`` term ANDed at the top of a filter: answerable from the change index."""

    field: str
    inclusive: bool
    value: str


@dataclass
class ListQuery:
    predicate: Predicate | None
    since: Since | None
    order: list[tuple[str, bool]]
    select: list[str] | None
    page: int
    page_size: int


def parse_list_query(args: MultiDict, schema_name: str) -> ListQuery:
    fields = _field_index(schema_name)
    predicate, since = (None, None)
    text = _option(args, "filter")
    if text:
        predicate, since = _FilterParser(text, fields).parse()
    return ListQuery(
        predicate=predicate,
        since=since,
        order=_order(_option(args, "orderby"), fields),
        select=_select(_option(args, "select"), fields),
        page=_positive_int(args, "page", 1),
        page_size=min(_positive_int(args, "pagesize", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE),
    )


def _option(args: MultiDict, name: str) -> str | None:
    # The Ruby client documents the options without "$"; accepting both costs nothing.
    value = args.get("$" + name)
    return value if value is not None else args.get(name)


def _positive_int(args: MultiDict, name: str, default: int) -> int:
    text = _option(args, name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise QueryParameterError(f"${name} must be a whole number, got '{text}'") from None
    if value < 1:
        raise QueryParameterError(f"${name} must be 1 or more, got {value}")
    return value


def _field_index(schema_name: str) -> dict[str, tuple[str, dict[str, Any]]]:
    return {name.lower(): (name, node) for name, node in properties(schema_name).items()}


def _resolve(fields: dict[str, tuple[str, dict[str, Any]]], name: str) -> tuple[str, dict[str, Any]]:
    found = fields.get(name.lower())
    if found is None:
        raise QueryParameterError(f"Could not find a property named '{name}'")
    return found


def _order(text: str | None, fields: dict[str, tuple[str, dict[str, Any]]]) -> list[tuple[str, bool]]:
    order = []
    for part in (text or "").split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise QueryParameterError(f"Invalid $orderby clause '{part.strip()}'")
        order.append((_resolve(fields, words[0])[0], len(words) == 2 and words[1].lower() == "desc"))
    return order


def _select(text: str | None, fields: dict[str, tuple[str, dict[str, Any]]]) -> list[str] | None:
    if not text:
        return None
    return [_resolve(fields, part.strip())[0] for part in text.split(",") if part.strip()]


def sort_records(records: list[dict[str, Any]], order: list[tuple[str, bool]]) -> list[dict[str, Any]]:
    # Stable sorts applied from the last key to the first give a multi-key order with per-key direction.
    for field, descending in reversed(order):
        records.sort(key=lambda record: _sort_key(record.get(field)), reverse=descending)
    return records


def _sort_key(value: Any) -> tuple[bool, Any]:
    if isinstance(value, str):
        return (True, value.casefold())
    return (value is not None, value)


def project(records: list[dict[str, Any]], select: list[str] | None) -> list[dict[str, Any]]:
    if select is None:
        return records
    return [{name: record.get(name) for name in select} for record in records]


class _FilterParser:
    def __init__(self, text: str, fields: dict[str, tuple[str, dict[str, Any]]]) -> None:
        self.text = text
        self.fields = fields
        self.tokens = self._tokenize(text)
        self.position = 0

    def _tokenize(self, text: str) -> list[tuple[str, str]]:
        tokens, position = [], 0
        while position < len(text):
            if text[position:].strip() == "":
                break
            match = _TOKEN.match(text, position)
            if match is None or match.end() == position:
                raise QueryParameterError(f"Syntax error at position {position} in $filter '{text}'")
            kind = match.lastgroup
            tokens.append((kind, match.group(kind)))
            position = match.end()
        return tokens

    def parse(self) -> tuple[Predicate, Since | None]:
        terms = self._or()
        if self.position != len(self.tokens):
            raise QueryParameterError(f"Unexpected '{self.tokens[self.position][1]}' in $filter '{self.text}'")
        since = next((term.since for term in terms.conjuncts if term.since), None)
        return terms.predicate, since

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise QueryParameterError(f"Unexpected end of $filter '{self.text}'")
        self.position += 1
        return token

    def _keyword(self, *words: str) -> str | None:
        token = self._peek()
        if token and token[0] == "name" and token[1].lower() in words:
            self.position += 1
            return token[1].lower()
        return None

    def _expect(self, kind: str) -> str:
        token = self._take()
        if token[0] != kind:
            raise QueryParameterError(f"Expected {kind} but found '{token[1]}' in $filter '{self.text}'")
        return token[1]

    def _or(self) -> _Term:
        left = self._and()
        while self._keyword("or"):
            right = self._and()
            first, second = left.predicate, right.predicate
            left = _Term(lambda record, a=first, b=second: a(record) or b(record))
        return left

    def _and(self) -> _Term:
        parts = [self._unary()]
        while self._keyword("and"):
            parts.append(self._unary())
        if len(parts) == 1:
            return parts[0]
        predicates = [part.predicate for part in parts]
        conjuncts = [conjunct for part in parts for conjunct in part.conjuncts]
        return _Term(lambda record: all(predicate(record) for predicate in predicates), conjuncts=conjuncts)

    def _unary(self) -> _Term:
        if self._keyword("not"):
            inner = self._unary().predicate
            return _Term(lambda record: not inner(record))
        token = self._peek()
        if token and token[0] == "lparen":
            self.position += 1
            inner = self._or()
            self._expect("rparen")
            return inner
        if token and token[0] == "name" and token[1].lower() in _FUNCTIONS:
            return self._function()
        return self._comparison()

    def _function(self) -> _Term:
        name = self._take()[1].lower()
        self._expect("lparen")
        field, node = _resolve(self.fields, self._expect("name"))
        self._expect("comma")
        needle = _unquote(self._expect("string")).casefold()
        self._expect("rparen")
        if "string" not in types_of(node) or node.get("format"):
            raise QueryParameterError(f"{name}() needs a text property, {field} is not one")
        test = {
            "contains": lambda value: needle in value,
            "startswith": lambda value: value.startswith(needle),
            "endswith": lambda value: value.endswith(needle),
        }[name]
        return _Term(lambda record: isinstance(v := record.get(field), str) and test(v.casefold()))

    def _comparison(self) -> _Term:
        kind, text = self._take()
        if kind != "name" or "/" in text:
            raise QueryParameterError(f"Expected a property name but found '{text}' in $filter '{self.text}'")
        field, node = _resolve(self.fields, text)
        operator = self._keyword(*_COMPARISONS)
        if operator is None:
            raise QueryParameterError(f"Expected eq, ne, gt, ge, lt or le after {field} in $filter '{self.text}'")
        literal = self._literal(self._take(), field, node)
        predicate = _compare(field, operator, literal, node)
        since = None
        if field in STAMP_FIELDS and operator in ("gt", "ge") and isinstance(literal, str):
            since = Since(field, operator == "ge", literal)
        term = _Term(predicate)
        term.since = since
        return term

    def _literal(self, token: tuple[str, str], field: str, node: dict[str, Any]) -> Any:
        kind, text = token
        if kind == "name" and text.lower() in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text.lower()]
        fmt = node.get("format")
        kinds = types_of(node)
        if kind == "typed":
            prefix = text[: text.index("'")]
            raise QueryParameterError(
                f"Syntax error: '{prefix}'…'' is an OData v2 literal; OData v4 writes {field} values without "
                f"a type prefix or quotes (e.g. 2024-05-01T00:00:00Z or 8f5b…-…)"
            )
        if kind == "string" and fmt in ("date-time", "uuid"):
            edm = "Edm.DateTimeOffset" if fmt == "date-time" else "Edm.Guid"
            raise QueryParameterError(
                f"A binary operator with incompatible types was detected. Found operand types '{edm}' and "
                f"'Edm.String' for {field}; write the value without quotes"
            )
        if kind == "string":
            text = _unquote(text)
        if fmt == "date-time":
            try:
                return format_date_time(parse_date_time(text))
            except ValueError:
                raise QueryParameterError(f"'{text}' is not a valid DateTime for {field}", invalid_input=True) from None
        if fmt == "uuid":
            try:
                return str(uuid.UUID(text))
            except ValueError:
                raise QueryParameterError(f"'{text}' is not a valid Guid for {field}", invalid_input=True) from None
        if "integer" in kinds or "number" in kinds:
            if kind != "number":
                raise QueryParameterError(f"{field} is numeric but was compared with '{text}'")
            return float(text)
        if "boolean" in kinds:
            raise QueryParameterError(f"{field} is a boolean but was compared with '{text}'")
        if kind != "string":
            raise QueryParameterError(f"{field} is text; quote the value: '{text}'")
        return text.casefold()


class _Term:
    def __init__(self, predicate: Predicate, conjuncts: list[_Term] | None = None) -> None:
        self.predicate = predicate
        self.since: Since | None = None
        self.conjuncts = conjuncts if conjuncts is not None else [self]


def _unquote(text: str) -> str:
    return text[1:-1].replace("''", "'")


def _compare(field: str, operator: str, literal: Any, node: dict[str, Any]) -> Predicate:
    if literal is None or isinstance(literal, bool):
        if operator not in ("eq", "ne"):
            raise QueryParameterError(f"Only eq and ne can compare {field} with {literal}")
        if operator == "eq":
            return lambda record: record.get(field) is literal if literal is None else record.get(field) == literal
        return lambda record: record.get(field) is not literal if literal is None else record.get(field) != literal
    text_compare = "string" in types_of(node) and not node.get("format")
    if text_compare:

        def value_of(record: dict[str, Any]) -> Any:
            value = record.get(field)
            return value.casefold() if isinstance(value, str) else value
    else:

        def value_of(record: dict[str, Any]) -> Any:
            return record.get(field)

    tests: dict[str, Callable[[Any], bool]] = {
        "eq": lambda value: value == literal,
        "ne": lambda value: value != literal,
        "gt": lambda value: value is not None and value > literal,
        "ge": lambda value: value is not None and value >= literal,
        "lt": lambda value: value is not None and value < literal,
        "le": lambda value: value is not None and value <= literal,
    }
    test = tests[operator]
    return lambda record: test(value_of(record))
