"""TCP servers on 127.0.0.1 that speak no LDAP, for the ways a directory
goes wrong: one that answers like a web server, one that holds every
connection silently until released. Each counts its connections and keeps
what the clients sent."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

HTTP_REPLY = (
    b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n"
    b"Content-Length: 42\r\n\r\n<html><body>400 Bad Request</body></html>\n"
)
HOLD_SECONDS = 20


class FakeServer:
    """Accepts connections; ``reply`` answers each then closes, None holds it."""

    def __init__(self, reply: bytes | None) -> None:
        self.reply = reply
        self.connections = 0
        self.received = b""
        self.accepted = threading.Event()
        self.released = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"ldap://127.0.0.1:{self._listener.getsockname()[1]}"

    def serve(self) -> None:
        while True:
            try:
                peer, _address = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            self.accepted.set()
            threading.Thread(target=self._answer, args=(peer,), daemon=True).start()

    def _answer(self, peer: socket.socket) -> None:
        with peer:
            peer.settimeout(2)
            try:
                self.received += peer.recv(65536)
                if self.reply is None:
                    self.released.wait(HOLD_SECONDS)
                else:
                    peer.sendall(self.reply)
            except OSError:
                pass

    def close(self) -> None:
        self.released.set()
        # Wakes the thread blocked in accept(); close() alone may not.
        with suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()


@contextmanager
def fake_server(reply: bytes | None) -> Iterator[FakeServer]:
    server = FakeServer(reply)
    threading.Thread(target=server.serve, daemon=True).start()
    try:
        yield server
    finally:
        server.close()
