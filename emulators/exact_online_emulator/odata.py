"""OData v2 query options as Exact Online accepts them: ``$filter`` compiled once into a row predicate,
``$select``, ``$orderby``, ``$top``, ``$skiptoken``, ``$inlinecount``, ``$expand``."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from exact_online_emulator.edm import ConversionError, normalise_guid, parse_local_datetime, wire_date_ms
from exact_online_emulator.exceptions import BadRequest

Row = Mapping[str, Any]
Getter = Callable[[Row], Any]

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<guid>guid'[^']*')
    | (?P<datetime>datetime'[^']*')
    | (?P<string>'(?:[^']|'')*')
    | (?P<number>-?\d+(?:\.\d+)?[LlMmDdFf]?)
    | (?P<punct>[(),/])
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
_CLR = {"Guid": "System.Nullable`1[[System.Guid]]", "DateTime": "System.Nullable`1[[System.DateTime]]"}
_FUNCTIONS = {"trim", "tolower", "toupper", "substringof", "startswith", "endswith", "length"}


@dataclass
class Token:
    kind: str
    text: str
    position: int


@dataclass
class Operand:
    getter: Getter
    edm: str  # EDM type name, "Null" or "Boolean" for predicates
    field_name: str | None = None
    literal: Any = None


@dataclass
class CompiledFilter:
    predicate: Callable[[Row], bool]
    fields: set[str] = field(default_factory=set)
    timestamp_floor: int | None = None  # rows need Timestamp > floor (lets sync paging bisect)


_Literal = TypeVar("_Literal")


def _typed_literal(token: Token, edm: str, parse: Callable[[str], _Literal]) -> _Literal:
    try:
        return parse(token.text)
    except ConversionError:
        raise BadRequest(f"Unrecognized 'Edm.{edm}' literal '{token.text}' at position {token.position}.") from None


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise BadRequest(f"Syntax error at position {position}.")
        kind = match.lastgroup or ""
        tokens.append(Token(kind, match.group(kind), match.start(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str, fields: Mapping[str, str], type_name: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0
        self.fields = fields
        self.type_name = type_name
        self.used: set[str] = set()
        self.floors: list[int] = []

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise BadRequest("Expression expected at end of $filter.")
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise BadRequest(f"'{text}' expected at position {token.position}.")

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "name" and token.text.lower() == word:
            self.index += 1
            return True
        return False

    def parse(self) -> Operand:
        result = self.or_expr(top=True)
        if self.peek() is not None:
            token = self.peek()
            raise BadRequest(f"Syntax error at position {token.position}.")
        return result

    def or_expr(self, top: bool = False) -> Operand:
        left = self.and_expr(top)
        while self.keyword("or"):
            right = self.and_expr(False)
            self.floors.clear()  # a disjunction gives no lower bound
            left = Operand(_or(left.getter, right.getter), "Boolean")
        return left

    def and_expr(self, top: bool) -> Operand:
        left = self.not_expr(top)
        while self.keyword("and"):
            right = self.not_expr(top)
            left = Operand(_and(left.getter, right.getter), "Boolean")
        return left

    def not_expr(self, top: bool) -> Operand:
        if self.keyword("not"):
            inner = self.not_expr(False)
            return Operand(lambda row, g=inner.getter: not g(row), "Boolean")
        return self.comparison(top)

    def comparison(self, top: bool) -> Operand:
        left = self.operand()
        token = self.peek()
        if token is not None and token.kind == "name" and token.text.lower() in _COMPARISONS:
            self.index += 1
            right = self.operand()
            operator = token.text.lower()
            self._check_types(operator, left, right, token.position)
            if top and left.field_name == "Timestamp" and operator in ("gt", "ge") and right.literal is not None:
                self.floors.append(int(right.literal) - (1 if operator == "ge" else 0))
            return Operand(_compare(operator, left.getter, right.getter), "Boolean")
        return left

    def _check_types(self, operator: str, left: Operand, right: Operand, position: int) -> None:
        kinds = {left.edm, right.edm} - {"Null"}
        if len(kinds) <= 1:
            return
        numeric = {"Int16", "Int32", "Int64", "Byte", "Double", "Decimal"}
        if kinds <= numeric:
            return
        if kinds & {"Guid", "DateTime"}:
            names = [_CLR.get(o.edm, f"System.{o.edm}") for o in (left, right)]
            raise BadRequest(
                f"Operator '{operator}' incompatible with operand types '{names[0]}' and '{names[1]}' "
                f"at position {position}."
            )

    def operand(self) -> Operand:
        token = self.take()
        if token.text == "(":
            inner = self.or_expr()
            self.expect(")")
            return inner
        if token.kind == "string":
            value = token.text[1:-1].replace("''", "'")
            return Operand(lambda row, v=value: v, "String", literal=value)
        if token.kind == "guid":
            value = _typed_literal(token, "Guid", lambda text: normalise_guid(text[5:-1]))
            return Operand(lambda row, v=value: v, "Guid", literal=value)
        if token.kind == "datetime":
            local = _typed_literal(token, "DateTime", lambda text: parse_local_datetime(text[9:-1]))
            value = calendar.timegm(local.timetuple()) * 1000 + local.microsecond // 1000
            return Operand(lambda row, v=value: v, "DateTime", literal=value)
        if token.kind == "number":
            text = token.text.rstrip("LlMmDdFf")
            value = float(text) if "." in text else int(text)
            edm = "Int64" if token.text[-1:] in "Ll" else ("Double" if isinstance(value, float) else "Int32")
            return Operand(lambda row, v=value: v, edm, literal=value)
        if token.kind == "name":
            lowered = token.text.lower()
            if lowered in ("true", "false"):
                value = lowered == "true"
                return Operand(lambda row, v=value: v, "Boolean", literal=value)
            if lowered == "null":
                return Operand(lambda row: None, "Null")
            nxt = self.peek()
            if nxt is not None and nxt.text == "(" and lowered in _FUNCTIONS:
                return self.function(lowered, token)
            if nxt is not None and nxt.text == "(":
                raise BadRequest(f"Unknown function '{token.text}' at position {token.position}.")
            return self.property(token)
        raise BadRequest(f"Syntax error at position {token.position}.")

    def property(self, token: Token) -> Operand:
        name = token.text
        edm = self.fields.get(name)
        if edm is None:
            raise BadRequest(f"No property '{name}' exists in type '{self.type_name}' at position {token.position}.")
        if edm == "Collection":
            raise BadRequest("Filtering on navigation properties is not supported.")
        self.used.add(name)
        if edm == "DateTime":
            return Operand(lambda row, n=name: wire_date_ms(row.get(n)), edm, field_name=name)
        return Operand(lambda row, n=name: row.get(n), edm, field_name=name)

    def function(self, name: str, token: Token) -> Operand:
        self.expect("(")
        arguments = [self.or_expr()]
        while self.peek() is not None and self.peek().text == ",":
            self.take()
            arguments.append(self.or_expr())
        self.expect(")")
        getters = [a.getter for a in arguments]
        arity = {"substringof": 2, "startswith": 2, "endswith": 2}.get(name, 1)
        if len(getters) != arity:
            raise BadRequest(f"Function '{name}' expects {arity} argument(s) at position {token.position}.")
        if name == "trim":
            return Operand(lambda row, g=getters[0]: _str(g(row)).strip(), "String")
        if name == "tolower":
            return Operand(lambda row, g=getters[0]: _str(g(row)).lower(), "String")
        if name == "toupper":
            return Operand(lambda row, g=getters[0]: _str(g(row)).upper(), "String")
        if name == "length":
            return Operand(lambda row, g=getters[0]: len(_str(g(row))), "Int32")
        if name == "substringof":
            return Operand(lambda row, a=getters[0], b=getters[1]: _str(a(row)) in _str(b(row)), "Boolean")
        if name == "startswith":
            return Operand(lambda row, a=getters[0], b=getters[1]: _str(a(row)).startswith(_str(b(row))), "Boolean")
        return Operand(lambda row, a=getters[0], b=getters[1]: _str(a(row)).endswith(_str(b(row))), "Boolean")


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _and(left: Getter, right: Getter) -> Getter:
    return lambda row: bool(left(row)) and bool(right(row))


def _or(left: Getter, right: Getter) -> Getter:
    return lambda row: bool(left(row)) or bool(right(row))


def _compare(operator: str, left: Getter, right: Getter) -> Getter:
    if operator == "eq":
        return lambda row: _fold(left(row)) == _fold(right(row))
    if operator == "ne":
        return lambda row: _fold(left(row)) != _fold(right(row))

    def ordered(row: Row) -> bool:
        a, b = left(row), right(row)
        if a is None or b is None:
            return False
        try:
            if operator == "gt":
                return a > b
            if operator == "ge":
                return a >= b
            if operator == "lt":
                return a < b
            return a <= b
        except TypeError:
            return False

    return ordered


def _fold(value: Any) -> Any:
    # SQL Server's default collation compares strings case-insensitively, and Exact's filters follow it.
    return value.lower() if isinstance(value, str) else value


def compile_filter(text: str, fields: Mapping[str, str], type_name: str) -> CompiledFilter:
    parser = _Parser(text, fields, type_name)
    root = parser.parse()
    floor = max(parser.floors) if parser.floors else None
    getter = root.getter
    return CompiledFilter(lambda row: bool(getter(row)), parser.used, floor)


@dataclass
class Query:
    select: list[str] | None = None
    filter: str | None = None
    orderby: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    top: int | None = None
    skiptoken: str | None = None
    inlinecount: bool = False
    expand: list[str] = field(default_factory=list)


# The system query options of OData v2. $skip has its own refusal below; $format is let through, and the answer
# format still follows the Accept header (the only switch the sources name).
SYSTEM_OPTIONS = frozenset(
    {"$select", "$filter", "$orderby", "$top", "$skip", "$skiptoken", "$inlinecount", "$expand", "$format"}
)


def parse_query(args: Mapping[str, str]) -> Query:
    query = Query()
    for name in args:
        # WCF Data Services refuses an unknown option in its reserved "$" namespace rather than ignoring it.
        if name.startswith("$") and name not in SYSTEM_OPTIONS:
            raise BadRequest(
                f"The query parameter '{name}' begins with a system-reserved '$' character but is not recognized."
            )
    if "$skip" in args:
        raise BadRequest("The $skip query option is not supported for this resource. Use $skiptoken instead.")
    select = args.get("$select")
    if select is not None and select.strip() not in ("", "*"):
        query.select = [part.strip() for part in select.split(",") if part.strip()]
    query.filter = args.get("$filter") or None
    orderby = args.get("$orderby")
    if orderby:
        for part in orderby.split(","):
            words = part.split()
            if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
                raise BadRequest(f"Invalid $orderby expression '{part.strip()}'.")
            query.orderby.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
    top = args.get("$top")
    if top is not None:
        if not top.strip().isdigit():
            raise BadRequest(f"Invalid value '{top}' for $top query option.")
        query.top = int(top)
    query.skiptoken = args.get("$skiptoken") or None
    inline = args.get("$inlinecount")
    if inline is not None:
        if inline not in ("allpages", "none"):
            raise BadRequest(f"Invalid value '{inline}' for $inlinecount query option.")
        query.inlinecount = inline == "allpages"
    expand = args.get("$expand")
    if expand:
        query.expand = [part.strip() for part in expand.split(",") if part.strip()]
    return query


def parse_guid_skiptoken(token: str) -> str:
    match = re.fullmatch(r"guid'([0-9A-Fa-f-]{36})'", token)
    if not match:
        raise BadRequest(f"Invalid $skiptoken '{token}'.")
    return match.group(1).lower()


def parse_int_skiptoken(token: str) -> int:
    match = re.fullmatch(r"(-?\d+)[Ll]?", token)
    if not match:
        raise BadRequest(f"Invalid $skiptoken '{token}'.")
    return int(match.group(1))
