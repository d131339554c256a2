"""An unmodified third-party Exact Online library from PyPI (``exactonline`` by OSSO B.V.) works against the emulator.

The library only talks HTTPS with certificate verification, so the test puts a TLS front (self-signed certificate for
127.0.0.1, trusted through SSL_CERT_FILE) before the emulator; the library itself is used as published."""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading

import pytest

from tests.exact_online.conftest import QUIET_LIMITS, start_emulator

exactonline = pytest.importorskip(
    "exactonline", reason="the exactonline package (requirements-dev.txt) is not installed"
)


def _certificate(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate for the TLS front")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _tls_front(cert, key, listener, backend_port):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    stop = threading.Event()

    def pipe(source, target):
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def accept():
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
                client = context.wrap_socket(raw, server_side=True)
            except OSError:
                continue
            upstream = socket.create_connection(("127.0.0.1", backend_port))
            threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return stop


def test_given_ossobv_exactonline_library_when_listing_relations_then_it_reads_the_seeded_accounts(
    tmp_path, monkeypatch
):
    from exactonline.api import ExactApi
    from exactonline.storage.ini import IniStorage

    cert, key = _certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    listener = socket.create_server(("127.0.0.1", 0))
    base = f"https://127.0.0.1:{listener.getsockname()[1]}"
    seeded = start_emulator("--seed", "1", "--scale", "6", "--public-url", base, *QUIET_LIMITS)
    stop = _tls_front(cert, key, listener, int(seeded.base_url.rsplit(":", 1)[1]))
    config = tmp_path / "exact.ini"
    config.write_text(
        f"[server]\nauth_url = {base}/api/oauth2/auth\nrest_url = {base}/api\ntoken_url = {base}/api/oauth2/token\n"
        f"[application]\nbase_url = https://localhost/\nclient_id = {seeded.client_id}\n"
        f"client_secret = {seeded.client_secret}\niteration_limit = 100\n"
        f"[transient]\naccess_expiry = 0\naccess_token = none\nrefresh_token = {seeded.refresh_token}\n"
        f"division = {seeded.division}\n"
    )
    try:
        api = ExactApi(storage=IniStorage(str(config)))
        relations = api.relations.filter(filter="Country eq 'NL'", select="ID,Code,Name,Country")
        one = api.relations.filter(relation_code="1000")
        divisions = api.restv1(exactonline.resource.GET("hrm/Divisions?$select=Code,Description"))
    finally:
        stop.set()
        listener.close()
        seeded.stop()

    assert len(relations) > 60  # the library followed __next across pages
    assert {row["Country"] for row in relations} == {"NL"}
    assert [row["Code"] for row in one] == ["              1000"]
    assert seeded.division in [row["Code"] for row in divisions]
