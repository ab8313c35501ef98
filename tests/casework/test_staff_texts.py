"""Why a resident may not be texted: the console's reason is given exactly when the outbox's rule says no."""

from __future__ import annotations

import itertools

import pytest

from app.casework.contact import may_text_now
from app.casework.models import Case
from app.casework.staff_texts import text_refusal
from app.extensions import db
from app.messaging.opt_outs import set_opted_out

MOBILE, LANDLINE, UNKNOWN_RANGE = "+447911123456", "+441214647269", "+447700900123"


@pytest.mark.parametrize(
    ("safe", "phone", "opted_out", "phone_only", "channel"),
    list(
        itertools.product(
            [True, False, None], [MOBILE, LANDLINE, UNKNOWN_RANGE, None], [False, True], [False, True], ["sms", "staff"]
        )
    ),
)
def test_a_refusal_is_given_exactly_when_the_resident_may_not_be_texted(
    app, safe, phone, opted_out, phone_only, channel
):
    case = Case(
        reference="HC-100001", reference_digits="100001", kind="hate_crime", channel=channel, caller_phone=phone,
        callback_phone=phone, safe_to_text=safe, contact_by_phone_only=phone_only,
    )  # fmt: skip
    if opted_out and phone:
        set_opted_out(db.session(), phone, True, "stop")
        db.session.flush()
    refusal = text_refusal(db.session(), case)
    assert (refusal is None) == may_text_now(db.session(), case)
    db.session.rollback()
