"""Request bodies are capped by the server before they are read (bodylimits.py), against
a real waitress server on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from safeguard.web.bodylimits import BodyLimits, server_factory

LIMITS = BodyLimits(anonymous=64 * 1024, api=2 * 1024 * 1024, signed_in=10 * 1024 * 1024,
                    upload=256 * 1024 * 1024, session_cookie="safeguard-session")


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"read {len(body)}".encode()]


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    created = server_factory(LIMITS)(app, host="127.0.0.1", port=0, threads=2)
    closing = threading.Event()

    def run() -> None:
        try:
            created.run()
        except OSError:
            # close() from this thread can land while the loop waits in select() on the
            # socket it closes (EBADF): the end of the server, not a failure of it.
            if not closing.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield created.effective_host, created.effective_port
    closing.set()
    created.task_dispatcher.shutdown()  # its threads first: they wake the loop as they end
    created.close()
    thread.join(timeout=5)


def post(where: tuple[str, int], path: str, length: int, body: bytes = b"",
         headers: str = "") -> tuple[str, float]:
    """Send the headers (and `body`, not the whole declared length); the status line and
    how long the answer took."""
    started = time.monotonic()
    with socket.create_connection(where, timeout=3) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}"
                     f"Content-Length: {length}\r\n\r\n".encode() + body)
        try:
            answer = sock.recv(4096).decode("latin-1")
        except TimeoutError:
            answer = "(still waiting for the body)"
    return answer.split("\r\n")[0], time.monotonic() - started


def test_an_anonymous_20_mb_post_is_refused_before_its_body(server: tuple[str, int]) -> None:
    status, seconds = post(server, "/partners/report/", 20 * 1024 * 1024)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert seconds < 1  # answered on the headers alone: not one byte of body was sent


def test_an_anonymous_small_post_reaches_the_application(server: tuple[str, int]) -> None:
    status, _ = post(server, "/partners/report/", 5, b"hello")
    assert status == "HTTP/1.1 200 OK"


def test_a_session_gets_the_signed_in_cap_and_uploads_the_upload_cap(
    server: tuple[str, int]
) -> None:
    cookie = "Cookie: other=1; safeguard-session=abc\r\n"
    status, _ = post(server, "/intelligence/", 20 * 1024 * 1024, headers=cookie)
    assert status.startswith("HTTP/1.1 413")
    status, _ = post(server, "/intelligence/sightings/import/", 20 * 1024 * 1024,
                     headers=cookie)
    assert status == "(still waiting for the body)"  # within the upload cap: it reads
    status, _ = post(server, "/intelligence/sightings/import/", 300 * 1024 * 1024,
                     headers=cookie)
    assert status.startswith("HTTP/1.1 413")


def test_the_api_gets_its_own_cap(server: tuple[str, int]) -> None:
    token = "Authorization: Bearer x\r\n"
    status, _ = post(server, "/api/intelligence/referrals", 3 * 1024 * 1024, headers=token)
    assert status.startswith("HTTP/1.1 413")
    status, _ = post(server, "/api/intelligence/referrals", 2, b"{}", headers=token)
    assert status == "HTTP/1.1 200 OK"


def test_a_chunked_anonymous_body_is_cut_at_the_cap(server: tuple[str, int]) -> None:
    chunk = b"x" * 50_000
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
    started = time.monotonic()
    with socket.create_connection(server, timeout=3) as sock:
        sock.sendall(b"POST /partners/report/ HTTP/1.1\r\nHost: x\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + body)
        answer = sock.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413")
    assert time.monotonic() - started < 2
