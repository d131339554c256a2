"""Fixtures of the Docker acceptance tier: the engine, the four images, the emulators and each connector's config.

Nothing here runs unless a test marked ``docker_tier`` asks for it, so the packaging checks in this folder stay fast.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from connector_container import ConnectorConfig, ConnectorImage
from docker_engine import DockerEngine, DockerUnavailable
from emulator_grants import connector_config, grant_for

from emulator_kit.process import EmulatorProcess

REPOSITORY = Path(__file__).resolve().parent.parent
ACCEPTANCE = yaml.safe_load((REPOSITORY / "acceptance-test-config.yml").read_text())
IMAGES: dict[str, dict[str, Any]] = ACCEPTANCE["images"]
FLOWS: dict[str, dict[str, Any]] = ACCEPTANCE["flows"]
# Rate limits are the connectors' own tests' business; here they would only make the tier slow.
EMULATOR_OPTIONS = {
    "exact-online": ("exact-online-emulator", "--minutely-limit", "0", "--daily-limit", "0", "--error-block", "0"),
    "eaccounting": ("eaccounting-emulator",),
}

_report: list[str] = []
_tier_started: list[float] = []


def start_emulator(kind: str) -> EmulatorProcess:
    command, *options = EMULATOR_OPTIONS[kind]
    return EmulatorProcess(command, *options, seed=1)


@pytest.fixture(scope="session")
def docker_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DockerEngine]:
    _tier_started.append(time.monotonic())
    engine = DockerEngine(tmp_path_factory.mktemp("dockerd") / "dockerd.log")
    try:
        engine.ensure_running()
    except DockerUnavailable as problem:
        pytest.fail(f"the Docker acceptance tier cannot run: {problem}", pytrace=False)
    _report.append("docker engine: started by the tier" if engine.started_here else "docker engine: already running")
    yield engine
    engine.stop()


@pytest.fixture(scope="session")
def connector_images(docker_engine: DockerEngine) -> dict[str, str]:
    """Builds the four images offline (docker/build-images.sh) and returns connector → image."""
    started = time.monotonic()
    completed = subprocess.run(
        [str(REPOSITORY / "docker" / "build-images.sh"), "dev"], capture_output=True, text=True, timeout=3600
    )
    if completed.returncode != 0:
        pytest.fail(f"the images did not build:\n{completed.stdout}\n{completed.stderr[-4000:]}", pytrace=False)
    _report.extend(line for line in completed.stdout.splitlines() if line.startswith(("timing ", "image ")))
    _report.append(f"timing all images {time.monotonic() - started:.0f}s")
    return {name: spec["image"] for name, spec in IMAGES.items()}


@pytest.fixture(scope="session")
def images_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("containers")


@pytest.fixture(scope="session")
def image_of(connector_images: dict[str, str], images_workdir: Path):
    def image(connector: str) -> ConnectorImage:
        return ConnectorImage(connector, connector_images[connector], images_workdir)

    return image


@pytest.fixture(scope="session")
def emulators() -> Iterator[dict[str, EmulatorProcess]]:
    """One emulator per system for the per-image scenarios; each connector holds its own grant on it."""
    running = {kind: start_emulator(kind) for kind in EMULATOR_OPTIONS}
    yield running
    for emulator in running.values():
        emulator.stop()


@pytest.fixture(scope="session")
def stored_configs(emulators: dict[str, EmulatorProcess]) -> dict[str, ConnectorConfig]:
    """Each connector's config as the platform stores it, starting from a fresh grant of the user's."""
    configs = {}
    for connector, spec in IMAGES.items():
        emulator = emulators[spec["emulator"]]
        configs[connector] = ConnectorConfig(
            connector_config(connector, emulator, grant_for(spec["emulator"], emulator))
        )
    return configs


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _report:
        return
    terminalreporter.section("Docker acceptance tier")
    for line in _report:
        terminalreporter.write_line(line)
    if _tier_started:
        terminalreporter.write_line(f"timing tier total {time.monotonic() - _tier_started[0]:.0f}s")
