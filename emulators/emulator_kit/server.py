"""The start contract shared by both emulators: bind, print one JSON line once ready, serve until told to stop."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from werkzeug.serving import make_server


def serve(
    app: Callable[..., Any],
    *,
    host: str,
    port: int,
    start_line: Callable[[str], dict[str, Any]],
    on_shutdown: Callable[[], None] | None = None,
    verbose: bool = False,
) -> None:
    # werkzeug logs every request to stderr by default; the request log endpoint already records them.
    logging.getLogger("werkzeug").setLevel(logging.INFO if verbose else logging.ERROR)
    server = make_server(host, port, app, threaded=True)
    shown_host = f"[{host}]" if ":" in host else host
    base_url = f"http://{shown_host}:{server.port}"

    def stop(_signum: int, _frame: Any) -> None:
        # shutdown() waits for serve_forever() to return, so it cannot run on the serving thread itself.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stdout.write(json.dumps(start_line(base_url)) + "\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    finally:
        # Requests already inside the app finish before the state is saved; an app without drain() has no state.
        drain = getattr(app, "drain", None)
        if drain is not None:
            drain()
        server.server_close()
        if on_shutdown is not None:
            on_shutdown()
