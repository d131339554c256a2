"""Known vulnerabilities in the installed dependency set, from PyPI's advisory database (pip-audit).

pip-audit is a tool, not a dependency: it is installed into its own environment under .venv/tools/ on first use.
Skipped, saying why, when PyPI or the database cannot be reached (CI without network)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sensitive import leaks

BIN = Path(sys.executable).parent
TOOL_ENV = BIN.parent / "tools" / "pip-audit"
UNREACHABLE = ("ConnectionError", "Max retries exceeded", "Temporary failure in name resolution", "timed out",
               "Network is unreachable", "Failed to establish a new connection",
               "No matching distribution")  # fmt: skip


def _pip_audit() -> str:
    found = shutil.which("pip-audit", path=os.pathsep.join([str(TOOL_ENV / "bin"), str(BIN), os.environ["PATH"]]))
    if found:
        return found
    try:
        subprocess.run([sys.executable, "-m", "venv", str(TOOL_ENV)], check=True, capture_output=True, timeout=120)
        subprocess.run(
            [str(TOOL_ENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "pip-audit"],
            check=True, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        shutil.rmtree(TOOL_ENV, ignore_errors=True)
        detail = (getattr(error, "stderr", "") or str(error)).strip().splitlines()[-1:]
        pytest.skip(f"pip-audit could not be installed from PyPI ({detail}); dependency audit not run")
    return str(TOOL_ENV / "bin" / "pip-audit")


def test_given_the_installed_dependencies_when_audited_then_none_has_a_known_vulnerability(tmp_path):
    audit = _pip_audit()
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable", "--disable-pip-version-check"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(frozen.stdout)
    try:
        completed = subprocess.run(
            [audit, "-r", str(requirements), "--no-deps", "--disable-pip", "--format", "json",
             "--progress-spinner", "off"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.skip("pip-audit: the vulnerability database did not answer within 300 s; dependency audit not run")
    if completed.returncode != 0 and any(marker in completed.stderr for marker in UNREACHABLE):
        pytest.skip(f"pip-audit: vulnerability database unreachable ({completed.stderr.strip().splitlines()[-1]})")
    report = json.loads(completed.stdout or "{}")
    assert report.get("dependencies"), completed.stderr[-2000:]
    vulnerable = {
        f"{d['name']} {d['version']}": [v["id"] for v in d.get("vulns", [])]
        for d in report["dependencies"]
        if d.get("vulns")
    }
    assert vulnerable == {}, completed.stderr[-2000:]


def test_given_a_secret_in_a_log_line_when_scanned_then_it_is_reported_by_where_and_prefix_only():
    found = leaks({"connector stderr": "refreshing with token AbC123secretValue"}, ["abc123SECRETvalue", "absent!"])
    assert found == [("connector stderr", "abc…")]
