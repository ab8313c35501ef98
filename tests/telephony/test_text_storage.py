"""Every inbound text is stored, whatever it holds.

The whole form is kept as Twilio posted it; the working columns get what
the database can hold. PostgreSQL refuses a NUL byte in text columns and
values longer than a column: these tests mean most when CI runs them there.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import select

from app.casework.models import Attachment
from app.extensions import db
from app.messaging.models import InboundMessage
from tests.conftest import RESIDENT


def the_message() -> InboundMessage:
    db.session.expire_all()  # read what the database holds, not what this session remembers
    return db.session.scalars(select(InboundMessage)).one()


def test_nul_bytes_in_body_and_sender_are_kept_in_the_raw_form_and_replaced_in_the_columns(text_from):
    texter = text_from("+44791112\x003456")
    texter.send("They followed me\x00 home from the bus stop again tonight")
    message = the_message()
    assert message.raw_form == texter.last_form, "the form exactly as posted, NUL bytes and all"
    assert message.body == "They followed me\ufffd home from the bus stop again tonight"
    assert message.from_raw == "+44791112\ufffd3456" and message.from_phone is None


def test_a_picture_with_an_unusually_long_content_type_is_kept_whole(texter):
    content_type = "image/jpeg; " + "x-parameter=1; " * 20
    texter.send("photo of the graffiti", media=[("https://api.twilio.com/Media/ME1", content_type)])
    message = the_message()
    assert db.session.scalars(select(Attachment)).one().content_type == content_type
    assert message.raw_form["MediaContentType0"] == content_type


def test_a_media_count_that_only_looks_like_a_number_is_stored_without_attachments(texter):
    """ "²" passes str.isdigit() but int() refuses it; Twilio never sends it, and the text still counts."""
    texter.send("hello", media=[("https://api.twilio.com/Media/ME1", "image/png")], NumMedia="²")
    message = the_message()
    assert message.body == "hello" and message.raw_form["NumMedia"] == "²"
    assert message.raw_form["MediaUrl0"] == "https://api.twilio.com/Media/ME1"
    assert db.session.scalars(select(Attachment)).all() == []


def test_values_longer_than_their_columns_are_cut_there_and_kept_whole_in_the_raw_form(texter):
    to = "+441214647269" + "9" * 90
    texter.send("hello", To=to, MediaUrl0="https://example.org/\x00" + "a" * 5000, NumMedia="1")
    message = the_message()
    assert message.to_phone == to[:64] and message.raw_form["To"] == to
    assert db.session.scalars(select(Attachment)).one().url == "https://example.org/\ufffd" + "a" * 5000


def test_a_text_of_nothing_but_a_nul_byte_gets_the_options(text_from):
    assert "REPORT" in (text_from(RESIDENT).send("\x00") or "")
    assert the_message().body == "\ufffd"


@contextmanager
def unreachable(table: str = "text_conversations"):
    """A table is unreachable mid-handling (a real database fault)."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        yield
    finally:
        db.session.rollback()
        with db.engine.begin() as connection:
            connection.exec_driver_sql(f"ALTER TABLE {table}_away RENAME TO {table}")


def test_a_text_whose_handling_fails_is_still_stored_and_listed_for_a_person(app, texter):
    """The text itself survives, and the resident is told to try again, never left with silence."""
    with unreachable():
        reply = texter.send("REPORT")
    assert "could not deal with your message" in reply and "999" in reply
    assert texter.resend() == reply, "Twilio's retry, once the database is back, gets the same"
    message = the_message()
    assert message.body == "REPORT" and message.handled_as == "unhandled"
    listed = app.test_cli_runner().invoke(args=["jobs", "failed"]).output
    assert f"text {message.id} received" in listed and "could not be handled" in listed


def test_a_stop_whose_handling_fails_gets_nothing_back(texter):
    with unreachable("phone_opt_outs"):
        assert texter.send("STOP") is None
    assert the_message().handled_as == "unhandled", "it failed, and still nothing was texted"
