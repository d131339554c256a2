"""The pages ``serve`` answers besides ``/healthz`` and the webhooks, by path.

``/`` falls back to the service's plain-text status (``Service.plain_status``) when nothing richer is plugged in here.
A handler takes no argument and reads what it shows when called: ``service.live()`` for what only the running service
knows (next runs, Exact budget left, what is running, Airbyte jobs) and the data directory for the stored runs.
"""

from __future__ import annotations

from .serve import Service
from .serve_http import PageHandler


def pages_for(service: Service) -> dict[str, PageHandler]:
    return {}
