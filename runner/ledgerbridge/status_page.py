"""The status page of `ledgerbridge serve` (``/``): plain server-rendered HTML, readable without JavaScript.

Jinja2 with autoescaping on: every value on the page (connection names, failure messages from the mapping's reasons)
is escaped, so a record whose reason quotes markup shows as text and never becomes part of the page.
"""

from __future__ import annotations

from datetime import datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .service_status import ServiceStatus


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def _relative(moment: datetime, now: datetime) -> str:
    seconds = round((moment - now).total_seconds())
    if seconds <= 0:
        return "due now"
    if seconds < 120:
        return f"in {seconds} s"
    if seconds < 7200:
        return f"in {seconds // 60} min"
    return f"in {seconds // 3600} h {seconds % 3600 // 60} min"


_ENVIRONMENT = Environment(
    loader=PackageLoader("ledgerbridge", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters.update(when=_when, duration=_duration, relative=_relative)


def render(status: ServiceStatus) -> str:
    return _ENVIRONMENT.get_template("status_page.html").render(status=status)
