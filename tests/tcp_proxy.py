"""A TCP proxy of the tests' own, in front of a real database: it can be told to stop forwarding without closing any
connection, as a hung database server (or a network path that swallows packets) behaves to its clients."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class StallingProxy:
    """Forwards 127.0.0.1:port to the upstream address until stall(); resume() lets the held data through."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._flowing = threading.Event()
        self._flowing.set()
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    def stall(self) -> None:
        """Stop forwarding: connections stay open, new ones are accepted, and nothing gets through either way."""
        self._flowing.clear()

    def resume(self) -> None:
        """Forward again, held data first."""
        self._flowing.set()

    def close(self) -> None:
        """Close the listener and every connection."""
        self._closed.set()
        self._flowing.set()
        for sock in [self._listener, *self._sockets]:
            _close(sock)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._sockets.append(client)
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        self._flowing.wait()  # a stalled proxy does not even reach the database
        try:
            server = socket.create_connection(self.upstream)
        except OSError:
            _close(client)
            return
        self._sockets.append(server)
        for source, target in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self._flowing.wait()
                if self._closed.is_set():
                    break
                target.sendall(data)
        except OSError:
            pass
        _close(source)
        _close(target)


def _close(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@contextmanager
def stalling_proxy(upstream: tuple[str, int]) -> Iterator[StallingProxy]:
    """A StallingProxy, closed on exit."""
    proxy = StallingProxy(upstream)
    try:
        yield proxy
    finally:
        proxy.close()
