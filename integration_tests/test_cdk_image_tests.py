"""The CDK's own Docker image tests (marker ``image_tests``) against the images this tier built.

They run in each connector's folder, with its acceptance-test-config.yml and its emulator-backed config, and
``--connector-image`` pointing at our image (the CDK would otherwise fetch a Dockerfile template from GitHub). Their
``docker run`` names no network, so ``host_network/docker`` comes first on PATH and adds ``--network host``.
A skip passes only for a reason listed here; anything else the CDK skips is a failure of this test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from conftest import IMAGES, REPOSITORY

pytestmark = pytest.mark.docker_tier

# CDK 7.39.1 turns `--read-scenarios=all` into the list ["all"] and then finds no scenario of that name, so the
# scenario is named: every connector's acceptance-test-config.yml reads from integration_tests/.emulator_config.json.
READ_SCENARIO = ".emulator_config"
HOST_NETWORK = Path(__file__).resolve().parent / "host_network"
ACCEPTED_SKIPS = (
    # Compares with the spec published on connectors.airbyte.com: no route to it here, and never published yet.
    "the connector registry could not be reached",
    "has no published version to compare against",
    # Destinations have no discover and the CDK has no destination read test.
    "Skipping discover test for destination connector",
    "Skipping read test for destination connector",
    # Sections of acceptance-test-config.yml that do not run the command (e.g. `spec` for a `connection` config).
    "does not run for scenario",
)


@pytest.mark.parametrize("connector", list(IMAGES))
def test_given_the_built_image_when_the_cdk_image_tests_run_then_none_fails_and_every_skip_has_a_known_reason(
    connector, connector_images, tmp_path
):
    report = tmp_path / "junit.xml"
    # This tier's own pytest options (PYTEST_ADDOPTS) are not the connector suite's.
    environment = {key: value for key, value in os.environ.items() if key != "PYTEST_ADDOPTS"}
    environment["PATH"] = os.pathsep.join([str(HOST_NETWORK), str(Path(sys.executable).parent), environment["PATH"]])
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "integration_tests/test_airbyte_standards.py",
         "-p", "airbyte_cdk.test.standard_tests.pytest_hooks", "-p", "no:cacheprovider",
         "-m", "image_tests", "--connector-image", connector_images[connector],
         "--read-from-streams=all", f"--read-scenarios={READ_SCENARIO}", "-q", "-rs", f"--junitxml={report}"],
        cwd=REPOSITORY / connector, env=environment, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip

    assert report.exists(), completed.stdout[-3000:] + completed.stderr[-3000:]
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    report_root = ElementTree.parse(report).getroot()  # noqa: S314 - pytest's own report of this run
    cases = report_root.iter("testcase")
    outcomes: dict[str, list[str]] = {"passed": [], "failed": [], "skipped": []}
    unexplained = []
    for case in cases:
        name = case.get("name", "?")
        if case.find("failure") is not None or case.find("error") is not None:
            outcomes["failed"].append(name)
        elif (skipped := case.find("skipped")) is not None:
            outcomes["skipped"].append(name)
            reason = skipped.get("message", "")
            if not any(accepted in reason for accepted in ACCEPTED_SKIPS):
                unexplained.append(f"{name}: {reason}")
        else:
            outcomes["passed"].append(name)
    assert outcomes["failed"] == [], completed.stdout[-4000:]
    assert unexplained == []
    assert any("spec" in name for name in outcomes["passed"]), f"{outcomes}\n{completed.stdout[-3000:]}"
    assert any("check" in name for name in outcomes["passed"])
    if connector.startswith("source-"):
        assert any("discover" in name for name in outcomes["passed"])
        assert any("read" in name for name in outcomes["passed"])
