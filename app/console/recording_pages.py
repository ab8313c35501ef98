"""Playing a case's recordings in the console (`/console/cases/<reference>/recordings/<id>`).

The app fetches the audio from Twilio with the account's credentials (app/messaging/recordings.py)
and streams it on, so staff need no Twilio login and the browser talks only to this site (the CSP's
`default-src 'self'` covers `<audio>`). Only roles that may read recordings (`fields_for`) on a case
they may see; every play is audited before the first byte is sent. When Twilio cannot give the
recording, a GOV.UK error page says why.

Seeking works as on any audio file: a browser's `Range` request is passed to Twilio and its 206 and
`Content-Range` (or 416) relayed, and every answer says `Accept-Ranges: bytes`. Each part fetched is
audited like a play, so no part of a recording is heard without a record.
"""

from __future__ import annotations

import logging

from flask import Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from app.audit.records import CONSOLE_PLAY_RECORDING, record
from app.casework.references import looks_like_reference
from app.console.auth import for_roles, require_signed_in, signed_in_staff
from app.console.blueprints import console_blueprint
from app.extensions import db
from app.messaging.recordings import RangeNotSatisfiable, RecordingUnavailable, byte_range, open_recording
from app.staff.access import fields_for, visible_case_by_reference
from app.staff.passwords import CONSOLE_ROLES

log = logging.getLogger(__name__)

bp = console_blueprint("console_recordings", guard=require_signed_in)

LISTENING_ROLES = tuple(
    sorted(role for role in CONSOLE_ROLES if (allowed := fields_for(role)) is None or "recordings" in allowed)
)
GONE = (
    "This recording is not available",
    "Twilio no longer holds this recording, so it cannot be played. Any transcription is on the case page.",
)
UNREACHABLE = (
    "The recording cannot be played just now",
    "Twilio, which keeps the line's recordings, did not send it. Try again in a few minutes; "
    "if it keeps happening, tell the service desk.",
)


@bp.app_template_global()
def may_play_recordings() -> bool:
    """Whether the signed-in person's role may hear recordings: the case page's players."""
    return signed_in_staff().role in LISTENING_ROLES


@bp.get("/cases/<reference>/recordings/<int:recording_id>", merge_slashes=False)
@for_roles(*LISTENING_ROLES)
def recording(reference: str, recording_id: int) -> ResponseReturnValue:
    """The recording's audio, streamed from Twilio; audited on every play."""
    staff = signed_in_staff()
    case = visible_case_by_reference(db.session(), staff, reference) if looks_like_reference(reference) else None
    found = next((r for r in case.recordings if r.id == recording_id), None) if case is not None else None
    if case is None or found is None:
        abort(404)
    try:
        audio = open_recording(current_app.config, found.recording_sid, byte_range(request.headers.get("Range")))
    except RangeNotSatisfiable as past_the_end:
        refused = Response(status=416)
        if past_the_end.content_range:
            refused.headers["Content-Range"] = past_the_end.content_range
        return refused
    except RecordingUnavailable as problem:
        log.warning("recording %s of case %s could not be played: %s", found.id, case.reference, problem)
        title, advice = GONE if problem.gone else UNREACHABLE
        return render_template("console/error.html", title=title, advice=advice), 404 if problem.gone else 502
    try:
        record(db.session(), staff, CONSOLE_PLAY_RECORDING, [case.id], request.remote_addr)
        db.session.commit()
    except Exception:
        audio.close()
        raise
    played = Response(audio.chunks(), status=audio.status, mimetype=audio.content_type)
    played.headers["Accept-Ranges"] = "bytes"
    if audio.content_range is not None:
        played.headers["Content-Range"] = audio.content_range
    if audio.length is not None:
        played.content_length = audio.length
    played.call_on_close(audio.close)
    return played
