"""The admin endpoints, request log and fault injection, over a real loopback server."""

import subprocess
import sys
import threading

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from emulator_kit.app import EmulatorApp
from emulator_kit.clock import Clock
from emulator_kit.faults import FaultPlan


class _Api:
    """A stand-in API that remembers every request it handled (what a backend would have committed)."""

    def __init__(self) -> None:
        self.handled: list[tuple[str, str]] = []

    def __call__(self, environ, start_response):
        self.handled.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        return Response('{"ok": true}', content_type="application/json")(environ, start_response)


def _render_fault(kind: str, request: Request) -> Response:
    return Response(f'{{"fault": "{kind}", "path": "{request.path}"}}', status=int(kind))


@pytest.fixture
def served():
    app = EmulatorApp(
        _Api(),
        dump=lambda: {"customers": [{"Id": 1}]},
        render_fault=_render_fault,
        clock=Clock(origin=100.0),
        faults=FaultPlan(),
        slow_seconds=0.2,
        timeout_seconds=0.2,
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.port}"
    server.shutdown()


def test_given_api_calls_when_requests_listed_then_each_has_method_path_status_and_admin_calls_are_absent(served):
    _, url = served
    requests.get(f"{url}/v2/customers?$page=2", timeout=5)
    requests.post(f"{url}/v2/orders", json={}, timeout=5)
    requests.get(f"{url}/_emulator/dump", timeout=5)
    assert requests.get(f"{url}/_emulator/requests", timeout=5).json() == [
        {"method": "GET", "path": "/v2/customers", "status": 200},
        {"method": "POST", "path": "/v2/orders", "status": 200},
    ]


def test_given_dump_when_requested_then_backend_state_is_returned(served):
    _, url = served
    assert requests.get(f"{url}/_emulator/dump", timeout=5).json() == {"customers": [{"Id": 1}]}


@pytest.mark.parametrize("kind", ["429", "500", "503"])
def test_given_status_fault_when_api_called_then_api_specific_error_body_is_served_and_logged(served, kind):
    _, url = served
    requests.post(f"{url}/_emulator/faults", json={"faults": [f"{kind}:1:/v2/*"]}, timeout=5)
    response = requests.get(f"{url}/v2/customers", timeout=5)
    assert response.status_code == int(kind)
    assert response.json() == {"fault": kind, "path": "/v2/customers"}
    assert requests.get(f"{url}/_emulator/requests", timeout=5).json()[-1]["status"] == int(kind)


def test_given_drop_fault_when_api_called_then_connection_closes_without_response(served):
    _, url = served
    requests.post(f"{url}/_emulator/faults", json={"faults": ["drop:1"]}, timeout=5)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/v2/customers", timeout=5)
    assert requests.get(f"{url}/_emulator/requests", timeout=5).json() == [
        {"method": "GET", "path": "/v2/customers", "status": 0}
    ]


def test_given_drop_before_fault_when_post_sent_then_the_api_never_handles_it(served):
    app, url = served
    requests.post(f"{url}/_emulator/faults", json={"faults": ["drop:1:/v2/orders"]}, timeout=5)
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{url}/v2/orders", json={"Number": 1}, timeout=5)
    assert app.api.handled == []


def test_given_drop_after_fault_when_post_sent_then_the_write_is_applied_but_the_connection_closes_unanswered(
    served,
):
    app, url = served
    requests.post(f"{url}/_emulator/faults", json={"faults": ["drop-after:1:/v2/orders"]}, timeout=5)
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{url}/v2/orders", json={"Number": 1}, timeout=5)
    assert app.api.handled == [("POST", "/v2/orders")]
    assert requests.get(f"{url}/_emulator/requests", timeout=5).json() == [
        {"method": "POST", "path": "/v2/orders", "status": 0}
    ]


def test_given_500_after_fault_when_post_sent_then_the_write_is_applied_and_the_api_error_body_is_served(served):
    app, url = served
    requests.post(f"{url}/_emulator/faults", json={"faults": ["500-after:1:/v2/orders"]}, timeout=5)
    response = requests.post(f"{url}/v2/orders", json={"Number": 1}, timeout=5)
    assert response.status_code == 500
    assert response.json() == {"fault": "500", "path": "/v2/orders"}
    assert app.api.handled == [("POST", "/v2/orders")]
    assert requests.get(f"{url}/_emulator/requests", timeout=5).json()[-1]["status"] == 500


def test_given_after_fault_on_other_paths_when_api_called_then_the_real_answer_arrives(served):
    _, url = served
    requests.post(f"{url}/_emulator/faults", json={"faults": ["drop-after:1:/v2/orders"]}, timeout=5)
    assert requests.post(f"{url}/v2/customers", json={}, timeout=5).json() == {"ok": True}


def test_given_timeout_fault_when_client_waits_less_than_the_hang_then_client_times_out(served):
    _, url = served
    requests.post(f"{url}/_emulator/faults", json={"faults": ["timeout:1"]}, timeout=5)
    with pytest.raises((requests.Timeout, requests.ConnectionError)):
        requests.get(f"{url}/v2/customers", timeout=0.05)


def test_given_bad_fault_rule_when_posted_then_400_names_the_problem(served):
    _, url = served
    response = requests.post(f"{url}/_emulator/faults", json={"faults": ["teapot:1"]}, timeout=5)
    assert response.status_code == 400
    assert "kind must be one of" in response.json()["error"]


def test_given_clock_when_advanced_over_admin_endpoint_then_emulated_time_moves(served):
    app, url = served
    before = app.clock.time()
    assert requests.post(f"{url}/_emulator/clock", json={"advance": 3600}, timeout=5).json()["now"] >= before + 3600


def test_given_server_started_when_ready_then_exactly_one_json_start_line_is_printed_and_sigterm_stops_it():
    script = (
        "from emulator_kit.server import serve\n"
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Length', '0')])\n"
        "    return [b'']\n"
        "serve(app, host='127.0.0.1', port=0, start_line=lambda url: {'base_url': url},"
        " on_shutdown=lambda: print('stopped', flush=True))\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith('{"base_url": "http://127.0.0.1:')
        assert requests.get(line.split('"')[3], timeout=5).status_code == 200
    finally:
        process.terminate()
    assert process.wait(timeout=10) == 0
    assert process.stdout.read() == "stopped\n"


def test_given_a_write_inside_the_api_when_draining_then_it_finishes_first_and_later_requests_get_no_answer():
    entered, release = threading.Event(), threading.Event()

    def slow_api(environ, start_response):
        entered.set()
        release.wait(5)
        return Response("{}", content_type="application/json")(environ, start_response)

    app = EmulatorApp(slow_api, dump=dict, render_fault=_render_fault, clock=Clock(origin=0.0), faults=FaultPlan())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.port}/v2/orders"
    try:
        writer = threading.Thread(target=lambda: requests.post(url, json={}, timeout=10))
        writer.start()
        assert entered.wait(5)
        drained: list[bool] = []
        drainer = threading.Thread(target=lambda: drained.append(app.drain(timeout=10)))
        drainer.start()
        drainer.join(0.3)
        assert drainer.is_alive(), "drain must wait for the write still inside the API"
        release.set()
        drainer.join(5)
        writer.join(5)
        assert drained == [True]
        with pytest.raises(requests.ConnectionError):
            requests.post(url, json={}, timeout=5)
    finally:
        server.shutdown()


def test_given_a_latency_when_the_api_and_the_admin_endpoints_are_called_then_only_api_calls_wait_that_long():
    import time

    app = EmulatorApp(
        _Api(),
        dump=dict,
        render_fault=_render_fault,
        clock=Clock(origin=100.0),
        faults=FaultPlan(),
        latency_seconds=0.3,
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.port}"
    try:
        started = time.monotonic()
        requests.get(f"{url}/_emulator/health", timeout=5)
        admin = time.monotonic() - started
        started = time.monotonic()
        assert requests.get(f"{url}/v2/customers", timeout=5).ok
        api = time.monotonic() - started
    finally:
        server.shutdown()
    assert api >= 0.3 > admin
