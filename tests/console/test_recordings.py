"""Recordings play in the console: fetched from (the fake) Twilio with the account's credentials, audited every
time, and a GOV.UK page, never a crash, when Twilio cannot give them."""

from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.casework.models import Case, Recording
from app.extensions import db
from app.messaging import recordings
from tests.console.conftest import heading, page, report, text_of

AUDIO = b"ID3" + bytes(range(256)) * 300  # about 77 kB: more than one chunk
SID = "RE" + "a" * 32


def with_recording(case: Case, sid: str = SID, purpose: str = "account") -> Recording:
    recording = Recording(
        recording_sid=sid,
        call_sid="CA" + "b" * 32,
        purpose=purpose,
        url=f"https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/{sid}",
        duration_seconds=35,
        case_id=case.id,
    )
    db.session.add(recording)
    db.session.commit()
    return recording


def plays() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "console_play_recording")))


@pytest.fixture
def held(twilio_api):
    """A case with a recording that Twilio holds."""
    case = report()
    recording = with_recording(case)
    twilio_api.hold_recording(SID, AUDIO)
    return case, recording


def address(case: Case, recording: Recording) -> str:
    return f"/console/cases/{case.reference}/recordings/{recording.id}"


def test_a_manager_hears_the_recording_fetched_from_twilio_and_the_play_is_audited(
    browser, signed_in, held, twilio_api
):
    manager = signed_in("manager")
    case, recording = held
    played = browser.get(address(case, recording), environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert played.status_code == 200 and played.mimetype == "audio/mpeg"
    assert played.data == AUDIO and played.headers["Content-Length"] == str(len(AUDIO))
    assert played.headers["Cache-Control"] == "no-store", "never kept by the browser or a proxy"
    assert twilio_api.recordings_fetched == [SID], "with the account's credentials (the fake refuses any other)"
    [event] = plays()
    assert (event.staff_id, event.role, event.case_id, event.address) == (manager.id, "manager", case.id, "192.0.2.7")


def test_every_play_is_audited(browser, signed_in, held):
    signed_in("admin")
    case, recording = held
    for _ in range(3):
        assert browser.get(address(case, recording)).status_code == 200
    assert len(plays()) == 3


def test_an_officer_hears_their_own_cases_recordings_but_no_others(browser, signed_in, account, twilio_api):
    officer = signed_in("officer")
    theirs, not_theirs = report(officer=officer), report(officer=account("officer"))
    mine, other = with_recording(theirs), with_recording(not_theirs, sid="RE" + "c" * 32)
    twilio_api.hold_recording(mine.recording_sid, AUDIO)
    twilio_api.hold_recording(other.recording_sid, AUDIO)
    assert browser.get(address(theirs, mine)).status_code == 200
    hidden = browser.get(address(not_theirs, other))
    assert hidden.status_code == 404 and heading(hidden) == "Page not found"
    assert twilio_api.recordings_fetched == [mine.recording_sid] and len(plays()) == 1


def test_the_contact_centre_may_not_hear_recordings(browser, signed_in, held, twilio_api):
    signed_in("contact_centre")
    case, recording = held
    refused = browser.get(address(case, recording))
    assert refused.status_code == 403 and heading(refused) == "You cannot use this page"
    assert twilio_api.recordings_fetched == [] and plays() == []


@pytest.mark.parametrize(
    "path",
    [
        "/console/cases/{other}/recordings/{id}",
        "/console/cases/{reference}/recordings/{missing}",
        "/console/cases/HC-000000/recordings/{id}",
        "/console/cases/{reference}/recordings/abc",
        "/console/cases/{reference}/recordings/-1",
        "/console/cases/{reference}/recordings/99999999999999999999",
        "/console/cases/..%2F{reference}/recordings/{id}",
    ],
)
def test_a_tampered_address_is_404_and_fetches_nothing(browser, signed_in, held, twilio_api, path):
    signed_in("manager")
    case, recording = held
    other = report()
    shown = browser.get(
        path.format(reference=case.reference, other=other.reference, id=recording.id, missing=recording.id + 1)
    )
    assert shown.status_code == 404 and heading(shown) == "Page not found"
    assert twilio_api.recordings_fetched == [] and plays() == []


def test_a_recording_twilio_no_longer_holds_is_explained(browser, signed_in, held, twilio_api):
    signed_in("manager")
    case, recording = held
    twilio_api.recordings.clear()
    shown = browser.get(address(case, recording))
    assert shown.status_code == 404 and heading(shown) == "This recording is not available"
    assert plays() == [], "nothing was heard"


@pytest.mark.parametrize("status", [500, 503, 429, 401])
def test_twilio_failing_is_a_gov_uk_page_not_a_crash(browser, signed_in, held, twilio_api, status):
    signed_in("manager")
    case, recording = held
    twilio_api.fail_next(status)
    shown = browser.get(address(case, recording))
    assert shown.status_code == 502 and heading(shown) == "The recording cannot be played just now"
    assert "Try again in a few minutes" in text_of(page(shown).find("main")) and plays() == []


def test_twilio_down_is_a_gov_uk_page(app, browser, signed_in, held):
    signed_in("manager")
    case, recording = held
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    app.config["TWILIO_API_BASE_URL"] = f"http://127.0.0.1:{port}"  # nothing listens there
    shown = browser.get(address(case, recording))
    assert shown.status_code == 502 and heading(shown) == "The recording cannot be played just now"


def test_twilio_not_answering_in_time_is_a_gov_uk_page(app, browser, signed_in, held, monkeypatch):
    signed_in("manager")
    case, recording = held
    monkeypatch.setattr(recordings, "READ_TIMEOUT_SECONDS", 0.3)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True)
    thread.start()
    app.config["TWILIO_API_BASE_URL"] = f"http://127.0.0.1:{server.getsockname()[1]}"  # accepts, never answers
    try:
        shown = browser.get(address(case, recording))
    finally:
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        server.close()
    assert shown.status_code == 502 and heading(shown) == "The recording cannot be played just now"


def test_the_case_page_has_a_player_for_each_recording_that_fetches_nothing_until_played(
    browser, signed_in, held, twilio_api
):
    signed_in("manager")
    case, recording = held
    shown = browser.get(f"/console/cases/{case.reference}")
    [player] = page(shown).find("main").find_all("audio")
    assert player["src"] == address(case, recording) and player.has_attr("controls") and player["preload"] == "none"
    assert "Recording of the account (35 seconds)" in text_of(page(shown).find("main"))
    assert twilio_api.recordings_fetched == [] and plays() == []
    policy = shown.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "media-src" not in policy, "audio from this site only"


def test_the_contact_centres_case_page_has_no_players(browser, signed_in, held):
    signed_in("contact_centre")
    case, _ = held
    shown = browser.get(f"/console/cases/{case.reference}")
    assert page(shown).find("audio") is None and "Recordings" not in text_of(page(shown).find("main"))


def test_seeking_asks_twilio_for_that_part_and_relays_its_206_and_content_range(browser, signed_in, held, twilio_api):
    signed_in("manager")
    case, recording = held
    part = browser.get(address(case, recording), headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.data == AUDIO[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(AUDIO)}" and part.headers["Content-Length"] == "1000"
    assert part.headers["Accept-Ranges"] == "bytes" and part.mimetype == "audio/mpeg"
    rest = browser.get(address(case, recording), headers={"Range": "bytes=70000-"})
    assert rest.status_code == 206 and rest.data == AUDIO[70000:]
    assert twilio_api.ranges_asked == ["bytes=1000-1999", "bytes=70000-"]
    assert len(plays()) == 2, "every part heard is audited"


def test_the_whole_recording_says_it_can_be_asked_for_in_parts(browser, signed_in, held):
    signed_in("manager")
    case, recording = held
    whole = browser.get(address(case, recording))
    assert (
        whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes" and "Content-Range" not in whole.headers
    )


def test_a_range_past_the_end_is_416_with_the_length_and_nothing_is_audited(browser, signed_in, held):
    signed_in("manager")
    case, recording = held
    refused = browser.get(address(case, recording), headers={"Range": f"bytes={len(AUDIO) + 10}-"})
    assert refused.status_code == 416 and refused.headers["Content-Range"] == f"bytes */{len(AUDIO)}"
    assert plays() == []


@pytest.mark.parametrize("asked", ["bytes=0-10,20-30", "items=0-10", "bytes=abc", "bytes=0-10; x=1"])
def test_a_range_that_is_not_one_byte_range_is_not_passed_on_and_the_whole_recording_comes(
    browser, signed_in, held, twilio_api, asked
):
    signed_in("manager")
    case, recording = held
    whole = browser.get(address(case, recording), headers={"Range": asked})
    assert whole.status_code == 200 and whole.data == AUDIO
    assert twilio_api.ranges_asked == [None]
