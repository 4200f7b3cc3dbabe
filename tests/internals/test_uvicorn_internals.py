"""uvicorn beyond its public options, as ``wasm_host/serve/uvicorn_internals.py`` uses it.

Each test runs a real uvicorn server with the guarded protocol and server
classes and checks one behaviour that relies on uvicorn's internals (the
protocol's ``conn``, ``cycle``, ``transport``, ``send_400_response``; the
server's ``capture_signals``, ``handle_exit``, ``startup``, ``shutdown``):
an upgrade that changes one of them fails here, by name.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import socket
import threading
from typing import Any
from collections.abc import Iterator

import pytest
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from servekit import raw_request, status_of
from wasm_host.serve import http
from wasm_host.serve import uvicorn_internals as internals


async def hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello"})


class Running:
    def __init__(self) -> None:
        self.started_with: list[object] = []
        self.shut_down = False
        self.rejected: list[int] = []


@pytest.fixture
def server() -> Iterator[tuple[int, Running]]:
    seen = Running()
    config = http.make_config(hello, max_connections=16, header_timeout=0.5,
                              on_reject=lambda client, status, message: seen.rejected.append(status))
    srv = internals.Server(config, on_startup=seen.started_with.append,
                           on_shutdown=lambda: setattr(seen, "shut_down", True))
    sock = http.bind("127.0.0.1", 0)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    http.wait_started(srv, thread, timeout=120)
    try:
        yield sock.getsockname()[1], seen
    finally:
        srv.should_exit = True
        thread.join(120)
        sock.close()
    assert seen.shut_down  # Server.shutdown ran our hook


def test_the_installed_uvicorn_is_a_version_the_module_was_written_for():
    installed = tuple(int(p) for p in importlib.metadata.version("uvicorn").split(".")[:2])
    assert internals.SUPPORTED[0] <= installed < internals.SUPPORTED[1]


def test_the_protocol_reads_events_through_its_conn_and_answers_errors_with_send_400_response():
    handle = inspect.getsource(H11Protocol.handle_events)
    assert "self.conn.next_event()" in handle and "self.send_400_response(" in handle
    assert "self.conn = h11.Connection(" in inspect.getsource(H11Protocol.__init__)


def test_a_plain_request_is_answered_and_startup_runs_our_hook(server):
    port, seen = server
    assert status_of(raw_request(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) == 200
    assert len(seen.started_with) == 1  # the event loop, handed to the hook by Server.startup


def test_a_head_too_large_in_one_piece_is_431(server):
    port, seen = server
    big = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (http.MAX_HEADER_BYTES - 100) + b"\r\nX-More: "
    assert status_of(raw_request(port, big + b"b" * 200 + b"\r\n\r\n")) == 431
    assert seen.rejected == [431]


def test_a_head_h11_refuses_for_size_keeps_h11s_status_431(server):
    port, _ = server
    many = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: %s\r\n" % (i, b"v" * 50) for i in range(400))
    assert status_of(raw_request(port, many + b"\r\n")) == 431


def test_a_head_that_never_ends_is_408_after_the_header_timeout(server):
    port, seen = server
    assert status_of(raw_request(port, b"GET / HTTP/1.1\r\nHost: x\r\n", timeout=60)) == 408
    assert seen.rejected == [408]


def test_a_target_uvicorn_cannot_decode_is_400_and_the_server_carries_on(server):
    port, _ = server
    assert status_of(raw_request(port, b"GET /\xff HTTP/1.1\r\nHost: x\r\n\r\n")) == 400
    assert status_of(raw_request(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) == 200


def test_the_server_methods_it_overrides_keep_their_signatures():
    for name, params in (("capture_signals", ["self"]), ("handle_exit", ["self", "sig", "frame"]),
                         ("startup", ["self", "sockets"]), ("shutdown", ["self", "sockets"])):
        assert list(inspect.signature(getattr(uvicorn.Server, name)).parameters) == params, name


def test_handle_exit_records_the_signal_and_asks_the_server_to_stop():
    srv = internals.Server(http.make_config(hello, max_connections=1))
    srv.handle_exit(15, None)
    assert srv.signal == 15 and srv.should_exit


def test_capture_signals_outside_the_main_thread_leaves_the_handlers_alone():
    import signal

    before = signal.getsignal(signal.SIGTERM)
    srv = internals.Server(http.make_config(hello, max_connections=1))
    inside: list[object] = []

    def run() -> None:
        with srv.capture_signals():
            inside.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert inside == [before]
    with srv.capture_signals():  # the main thread: ours while inside, then the previous one back
        assert signal.getsignal(signal.SIGTERM) == srv.handle_exit
    assert signal.getsignal(signal.SIGTERM) == before


def test_bind_gives_a_listening_socket():
    sock = http.bind("127.0.0.1", 0)
    try:
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1
    finally:
        sock.close()
