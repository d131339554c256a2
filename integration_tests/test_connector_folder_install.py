"""Each connector builds and installs from its own folder, the way Airbyte's monorepo builds a single connector.

The shared packages (clients, write safety, mappings, writer core) are built as versioned wheels into a local wheel
index, standing in for their PyPI releases. Each connector folder is then copied alone (no sibling folders) and
installed into a fresh virtual environment that sees only the package index and those wheels; its `spec` must run.
The Poetry lock file each folder carries must agree with its pyproject (checked by Poetry itself, pinned by
`make tools`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import venv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ledgerbridge_testkit.airbyte_output import Output

REPOSITORY = Path(__file__).resolve().parent.parent
CONNECTORS = ["source-exact-online", "source-eaccounting", "destination-exact-online", "destination-eaccounting"]
SHARED = [
    "clients/write-safety",
    "clients/exact-online-client",
    "clients/eaccounting-client",
    "mappings",
    "writer-core",
]
POETRY = REPOSITORY / ".venv-tools" / "bin" / "poetry"
INSTALL_TIMEOUT = 900


def _run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)


@pytest.fixture(scope="module")
def pins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The third-party versions this repository's tests run with: the installs resolve to them instead of searching."""
    frozen = _run([sys.executable, "-m", "pip", "freeze", "--exclude-editable", "--disable-pip-version-check"])
    ours = {
        tomllib.loads((REPOSITORY / p / "pyproject.toml").read_text())["project"]["name"] for p in SHARED + CONNECTORS
    }
    lines = [line for line in frozen.stdout.splitlines() if line.split("==")[0].lower().replace("_", "-") not in ours]
    path = tmp_path_factory.mktemp("pins") / "constraints.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def wheel_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheels = tmp_path_factory.mktemp("wheels")
    for package in SHARED:
        built = _run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(wheels), str(REPOSITORY / package)]
        )
        assert built.returncode == 0, f"{package} did not build a wheel:\n{built.stderr[-3000:]}"
    return wheels


def _install_alone(
    connector: str, wheels: Path, pins: Path, workdir: Path
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    folder = workdir / connector
    shutil.copytree(REPOSITORY / connector, folder, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    environment = workdir / f"{connector}-venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    installed = _run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--find-links",
            str(wheels),
            "--constraint",
            str(pins),
            str(folder),
        ]
    )
    return environment, installed


@pytest.fixture(scope="module")
def installed_connectors(wheel_index: Path, pins: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four installs run side by side: each is mostly waiting on the package index."""
    workdir = tmp_path_factory.mktemp("alone")
    with ThreadPoolExecutor(max_workers=len(CONNECTORS)) as pool:
        results = dict(
            zip(CONNECTORS, pool.map(lambda c: _install_alone(c, wheel_index, pins, workdir), CONNECTORS), strict=True)
        )
    failed = {c: result.stderr[-2000:] for c, (_, result) in results.items() if result.returncode != 0}
    assert failed == {}, f"connectors that did not install from their own folder: {failed}"
    return {connector: environment for connector, (environment, _) in results.items()}


def test_given_the_shared_packages_when_built_then_each_is_a_versioned_wheel_with_complete_metadata(wheel_index):
    for package in SHARED:
        project = tomllib.loads((REPOSITORY / package / "pyproject.toml").read_text())["project"]
        wheel_name = f"{project['name'].replace('-', '_')}-{project['version']}-py3-none-any.whl"

        assert (wheel_index / wheel_name).is_file(), f"{package}: no {wheel_name}"
        missing = [
            key
            for key in ("description", "license", "readme", "authors", "requires-python", "classifiers")
            if not project.get(key)
        ]
        assert missing == [], f"{package} lacks {missing} for a PyPI release"


@pytest.mark.parametrize("connector", CONNECTORS)
def test_given_a_connector_folder_alone_when_installed_from_the_index_and_the_wheels_then_its_spec_runs(
    connector, installed_connectors
):
    executable = installed_connectors[connector] / "bin" / connector

    completed = _run([str(executable), "spec"])

    specs = Output.parse(completed.stdout).of_type("SPEC")
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert len(specs) == 1
    assert specs[0]["spec"]["connectionSpecification"]["properties"]


@pytest.mark.parametrize("connector", CONNECTORS)
def test_given_the_poetry_lock_when_poetry_checks_it_then_it_matches_the_pyproject(connector):
    if not POETRY.is_file():
        pytest.fail(f"Poetry is not installed at {POETRY}: run `make tools`", pytrace=False)

    checked = _run([str(POETRY), "check", "--lock", "--no-interaction"], cwd=REPOSITORY / connector)

    assert (REPOSITORY / connector / "poetry.lock").is_file()
    assert checked.returncode == 0, checked.stdout + checked.stderr
