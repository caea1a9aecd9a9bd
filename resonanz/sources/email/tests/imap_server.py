"""A minimal IMAP4rev1 responder on loopback for tests: LOGIN, SELECT, UID SEARCH, UID FETCH, LOGOUT.

It speaks just enough of RFC 3501 for imaplib, serving the recorded ``.eml`` files as UIDs 1, 2, 3 ….
"""

from __future__ import annotations

import re
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _send(self, line: str | bytes) -> None:
        self.wfile.write(line if isinstance(line, bytes) else line.encode())

    def handle(self) -> None:
        self._send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake IMAP ready\r\n")
        while line := self.rfile.readline():
            tag, _, rest = line.decode().strip().partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "UID":
                command, _, args = args.partition(" ")
                command = "UID " + command.upper()
            if not self._dispatch(tag, command, args):
                return

    def _dispatch(self, tag: str, command: str, args: str) -> bool:
        messages = self.server.messages
        if command == "CAPABILITY":
            self._send(f"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
        elif command == "LOGIN":
            ok = args.split() == [self.server.user, f'"{self.server.password}"'] or args.split() == [
                self.server.user,
                self.server.password,
            ]
            self._send(
                f"{tag} OK LOGIN completed\r\n"
                if ok
                else f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"
            )
        elif command in ("SELECT", "EXAMINE"):
            self._send(
                f"* {len(messages)} EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n{tag} OK [READ-ONLY] done\r\n"
            )
        elif command == "UID SEARCH":
            start = int(re.search(r"(\d+):\*", args).group(1))  # type: ignore[union-attr]
            uids = [uid for uid in messages if uid >= start] or ([max(messages)] if messages else [])
            self._send(f"* SEARCH {' '.join(map(str, uids))}\r\n{tag} OK SEARCH completed\r\n")
        elif command == "UID FETCH":
            uid = int(args.split()[0])
            raw = messages[uid]
            self._send(f"* {uid} FETCH (UID {uid} RFC822 {{{len(raw)}}}\r\n".encode() + raw + b")\r\n")
            self._send(f"{tag} OK FETCH completed\r\n")
        elif command == "LOGOUT":
            self._send(f"* BYE\r\n{tag} OK LOGOUT completed\r\n")
            return False
        else:
            self._send(f"{tag} BAD unknown command\r\n")
        return True


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    messages: dict[int, bytes]
    user: str
    password: str


@contextmanager
def fake_imap(
    messages: list[bytes],
    *,
    user: str = "service",
    password: str = "pw",  # noqa: S107 (test server)
) -> Iterator[tuple[str, int]]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.messages = {uid: raw for uid, raw in enumerate(messages, start=1)}
    server.user, server.password = user, password
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[0], server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
