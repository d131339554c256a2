"""The CDK's HTTP client logs a refused request with its full body and headers; bodies carry customer names and
e-mail addresses, which the destination's log must not. This filter keeps the status line and drops the dump."""

from __future__ import annotations

import logging

_DUMP_MARKER = " Request (body):"


class DropRequestBodies(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _DUMP_MARKER in message:
            record.msg = message.split(_DUMP_MARKER, 1)[0].split(" and error message:", 1)[0]
            record.args = ()
        return True


def http_logger() -> logging.Logger:
    logger = logging.getLogger("airbyte.destination_exact_online.http")
    if not any(isinstance(f, DropRequestBodies) for f in logger.filters):
        logger.addFilter(DropRequestBodies())
    return logger
