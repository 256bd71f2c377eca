"""Run an ASGI app with uvicorn in a background thread on a loopback port, for the fakes.

The socket is bound here, before uvicorn starts, so `port=0` yields a free port that is known (and in
`.url`) before the first request, with no race between picking a port and binding it.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

_START_TIMEOUT_S = 10.0
_STOP_TIMEOUT_S = 5.0


class ServerThread:
    """An ASGI app served by uvicorn on `host:port` (port 0 picks a free one) from a daemon thread."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        # Without TCP_NODELAY every loopback request waits ~40 ms for a delayed ACK.
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.host = host
        self.port: int = self._sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        # ws="none": the fakes speak plain HTTP, and importing websockets would trip filterwarnings=error.
        # A short graceful shutdown, because an open SSE stream would otherwise hold stop() forever.
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            ws="none",
            lifespan="auto",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name=f"asgi:{self.port}", daemon=True
        )

    def start(self) -> None:
        """Start serving; returns once uvicorn accepts connections, raises if it died while starting."""
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"server on {self.url} exited during startup")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"server on {self.url} did not start within {_START_TIMEOUT_S} s")
            time.sleep(0.01)

    def stop(self) -> None:
        """Ask uvicorn to exit, force it if connections linger, and wait for the thread."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(_STOP_TIMEOUT_S)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(_STOP_TIMEOUT_S)
        self._sock.close()

    def __enter__(self) -> ServerThread:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
