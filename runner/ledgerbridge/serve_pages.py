"""The pages ``serve`` answers besides ``/healthz`` and the webhooks, by path: the status page and the metrics.

Each is built when requested from the data directory's stored runs and what only the running service knows
(``Service.live``: next runs, Exact budget left, what is running, Airbyte jobs), so a page never shows a stale copy.
"""

from __future__ import annotations

from . import metrics, status_page
from .serve import Service
from .serve_http import Page, PageHandler
from .service_status import ServiceStatus, collect

HTML = "text/html; charset=utf-8"


def pages_for(service: Service) -> dict[str, PageHandler]:
    def status() -> ServiceStatus:
        return collect(service.home, service.connections, service.live())

    def page() -> Page:
        return Page(200, status_page.render(status()).encode("utf-8"), HTML)

    def prometheus() -> Page:
        body, content_type = metrics.render(status())
        return Page(200, body, content_type)

    return {"/": page, "/metrics": prometheus}
