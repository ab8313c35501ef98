"""Recordings' audio from Twilio's REST API, for staff to play in the console without a Twilio login.

Beside the outbox's adapter (twilio_gateway.py), the one place a recording's media is fetched: with
the account SID and auth token, from TWILIO_API_BASE_URL (Twilio's own API unless set), with a
timeout on connecting and on every read. What Twilio cannot give (it no longer holds the recording,
it is down, too slow or answers nonsense) is a RecordingUnavailable, never a crash.

A browser seeking in the audio asks for part of it (`Range: bytes=…`): one range is passed on to
Twilio, which answers 206 with that part and its `Content-Range`, or 416 for a range past the end.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import requests

log = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
CONNECT_TIMEOUT_SECONDS = 4.0
# Between two reads, not for the whole recording; under gunicorn's 12 s, so a Twilio that stops answering
# gets the console's "could not fetch" page, not a killed worker.
READ_TIMEOUT_SECONDS = 6.0
CHUNK_BYTES = 64 * 1024
RECORDING_SID = re.compile(r"RE[0-9a-fA-F]{32}")
# One byte range, as browsers ask while seeking ("bytes=0-", "bytes=1000-1999", "bytes=-500").
BYTE_RANGE = re.compile(r"bytes=(\d{1,15}-\d{0,15}|-\d{1,15})")


class RangeNotSatisfiable(Exception):
    """The range asked for lies outside the recording; `content_range` says its length ('bytes */1234')."""

    def __init__(self, content_range: str | None) -> None:
        super().__init__(content_range)
        self.content_range = content_range


class RecordingUnavailable(Exception):
    """Twilio did not give us the recording; `gone` when it says it holds no such recording."""

    def __init__(self, reason: str, gone: bool = False) -> None:
        super().__init__(reason)
        self.gone = gone


@dataclass
class RecordingAudio:
    """A recording Twilio has started to send: read it with `chunks()`, then `close()`."""

    content_type: str
    length: int | None
    response: requests.Response
    content_range: str | None = None  # when only part was asked for (a 206): which bytes of how many

    @property
    def status(self) -> int:
        """200 for the whole recording, 206 for part of it."""
        return 206 if self.content_range else 200

    def chunks(self) -> Iterator[bytes]:
        """The audio as it arrives; a connection that breaks part-way ends it early (the player stops there)."""
        try:
            yield from self.response.iter_content(CHUNK_BYTES)
        except requests.RequestException as error:
            log.warning("a recording stopped arriving from Twilio (%s)", type(error).__name__)

    def close(self) -> None:
        self.response.close()


def recording_media_url(config: Mapping[str, Any], recording_sid: str) -> str:
    base = str(config.get("TWILIO_API_BASE_URL") or TWILIO_API).rstrip("/")
    return f"{base}/2010-04-01/Accounts/{config['TWILIO_ACCOUNT_SID']}/Recordings/{recording_sid}.mp3"


def byte_range(header: str | None) -> str | None:
    """The Range header to pass on to Twilio: one byte range, else None (the whole recording is sent)."""
    wanted = (header or "").strip().replace(" ", "")
    return wanted if BYTE_RANGE.fullmatch(wanted) else None


def open_recording(config: Mapping[str, Any], recording_sid: str, wanted_range: str | None = None) -> RecordingAudio:
    """Ask Twilio for the recording's MP3 (or the part `wanted_range` names, from `byte_range`).

    Raises RecordingUnavailable unless it starts to send audio, RangeNotSatisfiable for a range past the end.
    """
    if not RECORDING_SID.fullmatch(recording_sid):
        raise RecordingUnavailable("not a Twilio recording SID", gone=True)
    try:
        response = requests.get(
            recording_media_url(config, recording_sid),
            auth=(str(config["TWILIO_ACCOUNT_SID"]), str(config["TWILIO_AUTH_TOKEN"])),
            headers={"Range": wanted_range} if wanted_range else None,
            stream=True,
            timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
        )
    except requests.RequestException as error:
        raise RecordingUnavailable(f"could not fetch it from Twilio ({type(error).__name__})") from error
    if response.status_code == 416 and wanted_range:
        response.close()
        raise RangeNotSatisfiable(response.headers.get("Content-Range"))
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    partial = response.status_code == 206 and wanted_range is not None and "Content-Range" in response.headers
    if not (response.status_code == 200 or partial) or not content_type.startswith("audio/"):
        response.close()
        gone = response.status_code == 404
        raise RecordingUnavailable(f"Twilio answered {response.status_code} ({content_type or 'no type'})", gone=gone)
    length = response.headers.get("Content-Length", "")
    content_range = response.headers["Content-Range"] if partial else None
    return RecordingAudio(content_type, int(length) if length.isdigit() else None, response, content_range)
