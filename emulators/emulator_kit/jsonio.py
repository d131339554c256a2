"""Fast JSON for response bodies: the emulators must never be the bottleneck of a connector benchmark."""

from __future__ import annotations

from typing import Any

import orjson
from werkzeug.wrappers import Response

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, option=_OPTIONS)


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)


def json_response(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(obj), status=status, headers=headers, content_type="application/json; charset=utf-8")
