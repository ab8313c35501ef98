"""A local fake of Twilio's Messages API and recordings' media, reached over real HTTP by the real twilio client.

Tests script its answers (`fail_next(500)`, `refuse(number, 21610)`) and read
what it was asked to send (`sent`); `hold_recording(sid, audio)` gives it a
recording to serve as Twilio serves `/Recordings/RE….mp3` (a `Range` header gets
206 and `Content-Range`, or 416, as from Twilio's media servers). `make run` uses it
as its stand-in for Twilio when no credentials are set: `on_sent` shows each
text to whoever is watching (see `devtools.run_local`).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response


@dataclass
class FakeTwilioApi:
    account_sid: str
    auth_token: str
    sent: list[dict[str, str]] = field(default_factory=list)
    scripted_failures: list[int] = field(default_factory=list)
    refused_numbers: dict[str, int] = field(default_factory=dict)
    recordings: dict[str, bytes] = field(default_factory=dict)
    recordings_fetched: list[str] = field(default_factory=list)
    ranges_asked: list[str | None] = field(default_factory=list)  # each recording fetch's Range header
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_sent: Callable[[dict[str, str]], None] | None = None

    def reset(self) -> None:
        with self.lock:
            self.sent.clear()
            self.scripted_failures.clear()
            self.refused_numbers.clear()
            self.recordings.clear()
            self.recordings_fetched.clear()
            self.ranges_asked.clear()
            self.on_sent = None  # a test's watcher must not outlive it (nor keep its database connections)

    def fail_next(self, *statuses: int) -> None:
        """The next requests get these HTTP error statuses, in order."""
        self.scripted_failures.extend(statuses)

    def refuse(self, number: str, code: int) -> None:
        """Answer 400 with this Twilio error code for texts to `number` (e.g. 21610 opted out)."""
        self.refused_numbers[number] = code

    def hold_recording(self, recording_sid: str, audio: bytes) -> None:
        """Serve `audio` as this recording's MP3 (anything else asked for is Twilio's 404)."""
        self.recordings[recording_sid] = audio

    def _authorised(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        return self.answer(request)(environ, start_response)

    def answer(self, request: Request) -> Response:
        recordings = f"/2010-04-01/Accounts/{self.account_sid}/Recordings/"
        if request.method == "GET" and request.path.startswith(recordings) and request.path.endswith(".mp3"):
            return self._recording(request, request.path.removeprefix(recordings).removesuffix(".mp3"))
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

    def _recording(self, request: Request, recording_sid: str) -> Response:
        """A recording's media, as Twilio serves it to the account's credentials."""
        if not self._authorised(request):
            return self._error(401, 20003, "authenticate")
        with self.lock:
            if self.scripted_failures:
                return self._error(self.scripted_failures.pop(0), 20500, "scripted failure")
            self.recordings_fetched.append(recording_sid)
            self.ranges_asked.append(request.headers.get("Range"))
            audio = self.recordings.get(recording_sid)
        if audio is None:
            return self._error(404, 20404, f"The requested resource {request.path} was not found")
        whole = Response(audio, status=200, mimetype="audio/mpeg")
        try:
            return whole.make_conditional(request, accept_ranges=True, complete_length=len(audio))
        except RequestedRangeNotSatisfiable:
            return Response(status=416, headers={"Content-Range": f"bytes */{len(audio)}"})

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
