"""An unmodified third-party eAccounting client from PyPI, ``visma`` 0.1.0 (pwitab/visma), against the emulator.

The library dates from 2018: it needs a pre-release marshmallow 3 (3.0.0b20 is the newest that both imports on Python
3.11 and keeps the post_load signature it uses), which conflicts with the shared venv, so it is installed into its own
folder and run in a subprocess. Its host URLs are class attributes, set the way a user points it at a sandbox.
Its marshmallow schemas reject unknown fields and were written against the 2020 field lists, so resources that gained
fields since (customers, articles, units) fail against today's API too; terms of payment and currencies did not
change.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.eaccounting.conftest import Emulator

PACKAGES = ["visma==0.1.0", "marshmallow==3.0.0b20", "iso8601", "click"]
TARGET = Path(sys.prefix) / "thirdparty" / "visma-0.1.0"

SCRIPT = r"""
import json, os, sys
from visma.api import VismaAPI
VismaAPI.API_URL = os.environ["EMULATOR_API_URL"]
VismaAPI.TOKEN_URL = os.environ["EMULATOR_IDENTITY_URL"] + "/connect/token"
from visma.models import Currency, TermsOfPayment
terms = list(TermsOfPayment.objects.all())
one = TermsOfPayment.objects.get(terms[0].id)
currencies = list(Currency.objects.all())
print(json.dumps({"terms": [t.name for t in terms], "one": one.name, "currencies": [c.code for c in currencies]}))
"""


@pytest.fixture(scope="module")
def visma_library() -> Path:
    if not (TARGET / "visma" / "api.py").exists():
        install = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(TARGET), *PACKAGES],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if install.returncode != 0:
            pytest.skip(f"could not install {' '.join(PACKAGES)} from PyPI: {install.stderr.strip()[-300:]}")
    return TARGET


def test_given_unmodified_visma_library_when_listing_reference_data_then_it_refreshes_and_pages(
    visma_library: Path, emulator: Emulator, tmp_path: Path
) -> None:
    refresh_token = emulator.tokens()["refresh_token"]
    token_file = tmp_path / "tokens.json"
    # An expired access token makes the library refresh (Basic client auth, form body) before its first call.
    token_file.write_text(
        json.dumps({"access_token": "expired", "refresh_token": refresh_token, "expires": "2000-01-01T00:00:00+00:00"})
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(visma_library),
        "VISMA_API_CLASS": "visma.api.VismaAPI",
        "VISMA_API_CLIENT_ID": emulator.credentials["client_id"],
        "VISMA_API_CLIENT_SECRET": emulator.credentials["client_secret"],
        "VISMA_API_TOKEN_PATH": str(token_file),
        "EMULATOR_API_URL": emulator.api_url,
        "EMULATOR_IDENTITY_URL": emulator.identity_url,
    }
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert "30 dagar netto" in seen["terms"] and seen["one"] == seen["terms"][0]
    assert {"SEK", "EUR", "NOK"} <= set(seen["currencies"])
    stored = json.loads(token_file.read_text())
    assert stored["refresh_token"] != refresh_token
    reused = emulator.token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})
    assert reused.json()["error"] == "invalid_grant"
