"""A local fake of Twilio's Messages API, reached over real HTTP by the real twilio client.

Tests script its answers (`fail_next(500)`, `refuse(number, 21610)`) and read
what it was asked to send (`sent`). `make run` uses it as its stand-in for
Twilio when no credentials are set: `on_sent` shows each text to whoever is
watching (see `devtools.run_local`).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response


@dataclass
class FakeTwilioApi:
    account_sid: str
    auth_token: str
    sent: list[dict[str, str]] = field(default_factory=list)
    scripted_failures: list[int] = field(default_factory=list)
    refused_numbers: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_sent: Callable[[dict[str, str]], None] | None = None

    def reset(self) -> None:
        with self.lock:
            self.sent.clear()
            self.scripted_failures.clear()
            self.refused_numbers.clear()

    def fail_next(self, *statuses: int) -> None:
        """The next requests get these HTTP error statuses, in order."""
        self.scripted_failures.extend(statuses)

    def refuse(self, number: str, code: int) -> None:
        """Answer 400 with this Twilio error code for texts to `number` (e.g. 21610 opted out)."""
        self.refused_numbers[number] = code

    def _authorised(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        return self.answer(request)(environ, start_response)

    def answer(self, request: Request) -> Response:
        if not request.path.endswith(f"/Accounts/{self.account_sid}/Messages.json") or request.method != "POST":
            return self._error(404, 20404, "not found")
        if not self._authorised(request):
            return self._error(401, 20003, "authenticate")
        form = request.form.to_dict()
        with self.lock:
            if self.scripted_failures:
                status = self.scripted_failures.pop(0)
                return self._error(status, 20500 if status >= 500 else 20429, "scripted failure")
            if form.get("To") in self.refused_numbers:
                return self._error(400, self.refused_numbers[form["To"]], "refused")
            sid = "SM" + secrets.token_hex(16)
            self.sent.append({**form, "Sid": sid})
            if self.on_sent is not None:
                self.on_sent({**form, "Sid": sid})
        payload = {
            "sid": sid,
            "status": "queued" if form.get("From") else "accepted",
            "to": form.get("To"),
            "from": form.get("From"),
            "body": form.get("Body"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "account_sid": self.account_sid,
            "num_segments": "1",
            "direction": "outbound-api",
        }
        return Response(json.dumps(payload), status=201, mimetype="application/json")

    @staticmethod
    def _error(status: int, code: int, message: str) -> Response:
        body = {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }
        return Response(json.dumps(body), status=status, mimetype="application/json")


class KeepAliveHandler(WSGIRequestHandler):
    """HTTP/1.1, as Twilio's API speaks: the client's connection is kept open from text to text."""

    protocol_version = "HTTP/1.1"


class FakeTwilioServer:
    """Serves a FakeTwilioApi on a free port of 127.0.0.1 in a background thread."""

    def __init__(self, api: FakeTwilioApi) -> None:
        self.api = api
        self._server = make_server("127.0.0.1", 0, api, threaded=True, request_handler=KeepAliveHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> FakeTwilioServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
