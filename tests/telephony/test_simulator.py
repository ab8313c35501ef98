"""`flask ivr call`: the terminal phone contact centre staff train with."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.casework.models import Case, Recording
from app.extensions import db
from app.telephony.simulator import PhoneSimulator
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_BASE_URL, RESIDENT


@pytest.fixture
def running_app(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def simulate(app_url: str, answers: list[str]) -> list[str]:
    shown: list[str] = []
    script = iter(answers)

    def ask(_prompt: str) -> str:
        try:
            return next(script)
        except StopIteration:
            raise EOFError from None  # the trainee puts the phone down

    PhoneSimulator(
        app_url,
        PUBLIC_BASE_URL,
        AUTH_TOKEN,
        RESIDENT,
        "+441214647269",
        ask=ask,
        show=shown.append,
        account_sid=ACCOUNT_SID,
    ).run()
    return shown


def test_a_whole_report_can_be_made_from_the_terminal(running_app):
    answers = ["1", "2", "2", "2", "2", "2", "6", "They painted words on my door last night", "1", "2", "2", "2"]
    shown = simulate(running_app, answers)
    case = db.session.scalars(select(Case)).one()
    text = "\n".join(shown)
    assert "If you are in immediate danger, hang up and call 999." in shown[1]
    assert ", ".join(case.reference.replace("-", "")) in text
    assert "[call ended]" in text and not case.incomplete_call
    assert db.session.scalars(select(Recording)).one().case_id == case.id


def test_hanging_up_in_the_simulator_leaves_an_incomplete_case(running_app):
    shown = simulate(running_app, ["1", "1"])
    assert "[you hung up]" in "\n".join(shown)
    assert db.session.scalars(select(Case)).one().incomplete_call


def call_with_cli(app, *options: str):
    """`flask ivr call OPTIONS` run with `app`'s settings; the caller hangs up at the first question."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["ivr", "call", *options], input="")


def test_ivr_call_signs_for_the_apps_public_base_url_and_finds_it_on_port(make_app, running_app):
    """No options: the address from PORT, the signature for PUBLIC_BASE_URL (here not the local address)."""
    cli = make_app(PORT=int(running_app.rsplit(":", 1)[1]))
    result = call_with_cli(cli)
    assert result.exit_code == 0, result.output
    assert "If you are in immediate danger" in result.output and "[call ended]" in result.output


def test_a_wrong_public_url_is_corrected_with_the_one_to_pass(app, running_app):
    result = call_with_cli(app, "--url", running_app, "--public-url", "https://wrong.example.org")
    assert result.exit_code == 0, result.output
    assert f"next time pass --public-url {PUBLIC_BASE_URL}" in result.output


def test_a_refused_signature_says_what_to_pass(make_app, running_app):
    """A terminal whose auth token differs from the app's: every signature is refused (403)."""
    cli = make_app(TWILIO_AUTH_TOKEN="another-checkouts-token")
    result = call_with_cli(cli, "--url", running_app)
    assert result.exit_code == 1
    assert "refused the signature (403)" in result.output
    assert f"ivr call --url {running_app} --public-url <its PUBLIC_BASE_URL>" in result.output
    assert "Traceback" not in result.output and db.session.scalars(select(Case)).all() == []


def test_nothing_listening_says_so(app):
    result = call_with_cli(app, "--url", "http://127.0.0.1:9")
    assert result.exit_code == 1 and "nothing answers at http://127.0.0.1:9" in result.output
