"""`/dev/texts`: what `make run`'s stand-in for Twilio was asked to send, for trainers to read."""

from __future__ import annotations

from rq import Queue

from app.extensions import db
from app.messaging.outbox import queue_text
from devtools.run_local import twilio_stand_in
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, RESIDENT
from workers.worker import AppWorker


def test_a_text_the_worker_sends_shows_on_dev_texts_and_in_the_output(make_app, redis, tmp_path, capsys):
    log = tmp_path / "dev-texts.jsonl"
    with twilio_stand_in(ACCOUNT_SID, AUTH_TOKEN, log) as stand_in:
        dev = make_app(TWILIO_API_BASE_URL=stand_in.base_url, DEV_TEXTS_LOG=str(log))
        with dev.app_context():
            queue_text(db.session, to=RESIDENT, body="First: your reference is HC-123456.", purpose="demo")
            queue_text(db.session, to="+447911000222", body="Second <b>& last</b>", purpose="demo")
            db.session.commit()
            AppWorker([Queue("default", connection=redis)], connection=redis, app=dev).work(burst=True)
        page = dev.test_client().get("/dev/texts")
    assert page.status_code == 200
    assert page.text.index("Second &lt;b&gt;&amp; last&lt;/b&gt;") < page.text.index("First: your reference")
    assert f"<strong>{RESIDENT}</strong>" in page.text
    assert f"to {RESIDENT}: First: your reference is HC-123456." in capsys.readouterr().out


def test_dev_texts_does_not_exist_outside_make_runs_stand_in_mode(client):
    assert client.get("/dev/texts").status_code == 404
