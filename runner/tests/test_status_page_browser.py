"""The status page as a person sees it: Debian's headless Chromium loads it over loopback HTTP after real runs.

The page is served by a stdlib server here (the page is what is under test, not `serve`'s routing). The browser is
installed by docker/ensure-browser.sh (`make tools`); when it cannot be installed or started this test fails, as the
Docker tier does, rather than skipping and leaving the page untested. The screenshot is kept in tests/artifacts/.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from ledgerbridge import status_page
from ledgerbridge.cli import main
from ledgerbridge.connection_file import ConnectionFile
from ledgerbridge.home import DataHome
from ledgerbridge.service_status import LiveInfo, collect

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


@pytest.fixture
def two_connections(widgets_file, tmp_path: Path, ledgerbridge_home: Path) -> tuple[ConnectionFile, DataHome]:
    """widgets-to-recorder ran twice (the second run refused widget 5); stock-to-exact has not run yet."""
    assert main(["sync", str(widgets_file(source={"count": 3}))]) == 0
    path = widgets_file(source={"count": 6}, destination={"fail": [5]})
    assert main(["sync", str(path)]) == 1
    document = yaml.safe_load(path.read_text())
    write_json(tmp_path / "stock.json", {"credentials": {"refresh_token": "x1"}})
    waiting = {**document["connections"][0], "name": "stock-to-exact"}
    waiting["destination"] = {**waiting["destination"], "config": "stock.json"}
    document["connections"].append(waiting)
    write_connections(path, document)
    return ConnectionFile.model_validate(document), DataHome.resolve(ledgerbridge_home)


def test_given_two_connections_when_a_person_opens_the_status_page_then_they_see_each_with_its_runs_and_failures(
    browser: webdriver.Chrome, two_connections: tuple[ConnectionFile, DataHome]
):
    connections, home = two_connections
    now = datetime.now(UTC).replace(microsecond=0)
    live = LiveInfo(
        next_runs={"widgets-to-recorder": now + timedelta(minutes=7), "stock-to-exact": None},
        exact_budget_left={"widgets-to-recorder": 4870},
    )
    html = status_page.render(collect(home, connections, live, now=now))

    for url in _serve(html):
        browser.get(url)
        ARTIFACTS.mkdir(exist_ok=True)
        screenshot = ARTIFACTS / "status_page.png"
        browser.save_screenshot(str(screenshot))
        print(f"status page screenshot: {screenshot}")

        sections = browser.find_elements(By.CSS_SELECTOR, "section.connection")
        assert [s.find_element(By.TAG_NAME, "h2").text for s in sections] == ["widgets-to-recorder", "stock-to-exact"]
        widgets, stock = sections

        rows = widgets.find_elements(By.CSS_SELECTOR, "table.runs tbody tr")
        cells = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]
        # Newest first: outcome, read, written, failed as a person reads them in the table.
        assert [row[2:6] for row in cells] == [["failed", "3", "2", "1"], ["ok", "3", "3", "0"]]
        failure = widgets.find_element(By.CSS_SELECTOR, ".failures")
        assert failure.is_displayed()
        assert "widgets / record 5: Code: Code is longer than 18 characters" in failure.text
        next_run = (now + timedelta(minutes=7)).strftime("%Y-%m-%d %H:%M:%S UTC")
        assert widgets.find_element(By.CSS_SELECTOR, ".next-run").text == f"{next_run} (in 7 min)"
        assert widgets.find_element(By.CSS_SELECTOR, ".budget").text == "4,870 calls"

        assert stock.find_element(By.CSS_SELECTOR, "table.runs tbody").text == "No run yet."
        assert stock.find_element(By.CSS_SELECTOR, ".next-run").text == "not scheduled"
        assert not stock.find_elements(By.CSS_SELECTOR, ".failures")
    assert screenshot.stat().st_size > 10_000
