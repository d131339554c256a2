"""The status page as a person sees it: Debian's headless Chromium loads it over loopback HTTP after real runs (Exact
orders into eAccounting on the emulators, with every API call counted; a connection whose destination refuses a record;
one that has not run yet), with JavaScript switched off in the browser.

The page is served by a stdlib server here (the page is what is under test, not `serve`'s routing). The browser is
installed by docker/ensure-browser.sh (`make tools`); when it cannot be installed or started this test fails, as the
Docker tier does, rather than skipping and leaving the page untested. The screenshot is kept in tests/artifacts/.
"""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from emulator_kit.process import EmulatorProcess
from ledgerbridge import status_page
from ledgerbridge.api_calls import EmulatorCallCounter
from ledgerbridge.cli import main
from ledgerbridge.connection_file import ConnectionFile, load_connection_file
from ledgerbridge.home import DataHome
from ledgerbridge.progress import reporter_for
from ledgerbridge.runs import run_connections
from ledgerbridge.service_status import LiveInfo, collect
from ledgerbridge_testkit.runner_process import order_copies, write_orders_connection

from .conftest import write_connections, write_json

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).parent / "artifacts"


def _browser_binaries() -> tuple[str, str]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        installed = subprocess.run(["bash", str(REPO / "docker" / "ensure-browser.sh")], capture_output=True, text=True)
        chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
        if not (chromium and driver):
            pytest.fail(f"Chromium and its driver are needed and could not be installed:\n{installed.stderr}")
    return chromium, driver


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    chromium, driver = _browser_binaries()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100"):
        options.add_argument(argument)
    # JavaScript off for every page: the status page must be complete without it.
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    try:
        # The driver path is given, so Selenium never tries to download one.
        chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    except WebDriverException as error:
        pytest.fail(f"headless Chromium did not start: {error.msg}")
    yield chrome
    chrome.quit()


class _Page(BaseHTTPRequestHandler):
    html = ""

    def do_GET(self) -> None:
        body = self.html.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(html: str) -> Iterator[str]:
    handler = type("StatusPage", (_Page,), {"html": html})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Ran:
    connections: ConnectionFile
    home: DataHome
    calls: dict[str, int]  # API and token requests each emulator served during the orders run
    orders_copied: int


@pytest.fixture
def three_connections(widgets_file: Callable[..., Path], tmp_path: Path, ledgerbridge_home: Path) -> Ran:
    """orders (Exact → eAccounting on the emulators) ran once; widgets-to-recorder ran twice, the second run refused
    widget 5; stock-to-exact has not run yet."""
    home = DataHome.resolve(ledgerbridge_home)
    with (
        EmulatorProcess("exact-online-emulator", "--scale", "1", "--minutely-limit", "0") as exact,
        EmulatorProcess("eaccounting-emulator") as eaccounting,
    ):
        orders_file = write_orders_connection(tmp_path / "orders", exact, eaccounting)
        counter = EmulatorCallCounter({"Exact Online": exact.root_url, "eAccounting": eaccounting.root_url})
        before = counter.snapshot()
        reporter = reporter_for(Console(file=io.StringIO()))
        assert run_connections(load_connection_file(orders_file), home, reporter, counter=counter).ok
        calls = {system: count - before[system] for system, count in counter.snapshot().items()}
        copied = sum(order_copies(eaccounting).values())

    assert main(["sync", str(widgets_file(source={"count": 3}))]) == 0
    path = widgets_file(source={"count": 6}, destination={"fail": [5]})
    assert main(["sync", str(path)]) == 1
    document = yaml.safe_load(path.read_text())
    write_json(tmp_path / "stock.json", {"credentials": {"refresh_token": "x1"}})
    waiting = {**document["connections"][0], "name": "stock-to-exact"}
    waiting["destination"] = {**waiting["destination"], "config": "stock.json"}
    orders = yaml.safe_load(orders_file.read_text())["connections"][0]
    for role in ("source", "destination"):
        orders[role] = {**orders[role], "config": str(orders_file.parent / orders[role]["config"])}
    document["connections"] = [orders, *document["connections"], waiting]
    write_connections(path, document)
    return Ran(ConnectionFile.model_validate(document), home, calls, copied)


def test_given_three_connections_when_a_person_opens_the_status_page_then_they_see_each_with_its_runs_and_failures(
    browser: webdriver.Chrome, three_connections: Ran
) -> None:
    ran = three_connections
    now = datetime.now(UTC).replace(microsecond=0)
    live = LiveInfo(
        next_runs={"orders": now + timedelta(seconds=50), "widgets-to-recorder": now + timedelta(minutes=7)},
        exact_budget_left={"orders": 4870},
    )
    html = status_page.render(collect(ran.home, ran.connections, live, now=now))

    for url in _serve(html):
        browser.get(url)
        ARTIFACTS.mkdir(exist_ok=True)
        screenshot = ARTIFACTS / "status_page.png"
        # The whole page in one picture, not only the window's first screen.
        shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        print(f"status page screenshot: {screenshot}")

        sections = browser.find_elements(By.CSS_SELECTOR, "section.connection")
        names = [section.find_element(By.TAG_NAME, "h2").text for section in sections]
        assert names == ["orders", "widgets-to-recorder", "stock-to-exact"]
        orders, widgets, stock = sections

        (row,) = _rows(orders)
        started, _, outcome, read, written, failed, calls = row
        assert (outcome, failed) == ("ok", "0")
        assert int(read) > 0 and int(written) >= ran.orders_copied > 0
        assert calls == f"eAccounting {ran.calls['eAccounting']}, Exact Online {ran.calls['Exact Online']}"
        assert started.endswith(" UTC")
        assert orders.find_element(By.CSS_SELECTOR, ".next-run").text.endswith("(in 50 s)")
        assert orders.find_element(By.CSS_SELECTOR, ".budget").text == "4,870 calls"
        assert not orders.find_elements(By.CSS_SELECTOR, ".failures")

        # Newest first: outcome, read, written, failed as a person reads them in the table.
        assert [row[2:6] for row in _rows(widgets)] == [["failed", "3", "2", "1"], ["ok", "3", "3", "0"]]
        failure = widgets.find_element(By.CSS_SELECTOR, ".failures")
        assert failure.is_displayed()
        assert "widgets / record 5: Code: Code is longer than 18 characters" in failure.text
        next_run = (now + timedelta(minutes=7)).strftime("%Y-%m-%d %H:%M:%S UTC")
        assert widgets.find_element(By.CSS_SELECTOR, ".next-run").text == f"{next_run} (in 7 min)"
        assert widgets.find_element(By.CSS_SELECTOR, ".budget").text == "not known yet"

        assert stock.find_element(By.CSS_SELECTOR, "table.runs tbody").text == "No run yet."
        assert stock.find_element(By.CSS_SELECTOR, ".next-run").text == "not scheduled"
    assert screenshot.stat().st_size > 10_000


def _rows(section: WebElement) -> list[list[str]]:
    rows = section.find_elements(By.CSS_SELECTOR, "table.runs tbody tr")
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]
