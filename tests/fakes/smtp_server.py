"""A minimal local SMTP server for tests: accepts mail over a real socket and keeps it.

Enough of RFC 5321 for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, and STARTTLS and AUTH
when given a certificate. `refuse` makes RCPT fail for an address, as a mail server refusing a recipient
would; `logins` keeps what each AUTH sent (the credentials a client gave away).
"""

from __future__ import annotations

import socketserver
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message


@dataclass
class Mailbox:
    received: list[Message] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    logins: list[str] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    mailbox: Mailbox
    tls: ssl.SSLContext | None

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 fake-smtp ready")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in {"EHLO", "HELO"}:
                self.reply("250-fake-smtp\r\n250-AUTH PLAIN\r\n250 STARTTLS" if self.tls else "250 fake-smtp")
            elif verb == "STARTTLS" and self.tls is not None:
                self.reply("220 go ahead")
                try:
                    self.connection = self.tls.wrap_socket(self.connection, server_side=True)
                except (ssl.SSLError, OSError):
                    return  # the client would not trust the certificate
                self.rfile, self.wfile = self.connection.makefile("rb"), self.connection.makefile("wb", buffering=0)
            elif verb == "AUTH":
                self.mailbox.logins.append(command)
                self.reply("235 OK")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip().strip("<>")
                if address in self.mailbox.refused:
                    self.reply("550 no such user")
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with .")
                self.mailbox.received.append(message_from_bytes(self._read_data()))
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class FakeSmtpServer:
    def __init__(self, certificate: tuple[str, str] | None = None) -> None:
        """With `certificate` (a certificate file and its key), STARTTLS and AUTH are offered."""
        self.mailbox = Mailbox()
        tls = None
        if certificate is not None:
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(*certificate)
        handler = type("Handler", (_Handler,), {"mailbox": self.mailbox, "tls": tls})
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def __enter__(self) -> FakeSmtpServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
