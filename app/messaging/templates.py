"""Every text we send from code, worded discreetly.

A text may be read by someone else in the household: none names "hate
crime" or repeats what the resident reported. Each stays within two GSM-7
segments with the longest values (tested): a staff name is put into GSM-7
letters and shortened first. The replies of a text conversation live with
the conversation in ivr_flows/texts/.
"""

from __future__ import annotations

from datetime import datetime

from app.calendar import spoken_day_and_time
from app.messaging.segments import gsm7_safe

SENDER = "Birmingham City Council"
NAME_LIMIT = 40  # characters of a staff name in a text; longer names keep their first and last word
THANKS = {
    "phone": "thank you for your call today",
    "web": "thank you for your report",
    "staff": "thank you for talking to us",
}


def report_confirmation(
    reference: str, callback_due: datetime, channel: str = "phone", kind: str = "hate_crime"
) -> str:
    """Sent after a report by phone or on the website, when the resident said texts are safe."""
    thanks = THANKS.get(channel, THANKS["web"])
    if kind == "graffiti":
        return (
            f"{SENDER}: {thanks}. Your reference is {reference}. "
            f"We aim to remove the graffiti by {spoken_day_and_time(callback_due)}."
        )
    return (
        f"{SENDER}: {thanks}. Your reference is {reference}. "
        f"An officer will phone you by {spoken_day_and_time(callback_due)}. "
        "If you are in danger, call 999."
    )


def name_in_text(name: str) -> str:
    """A staff name as a text carries it: 'Małgorzata Wiśniewska-Kowalczyk' -> 'Malgorzata Wisniewska-Kowalczyk'."""
    safe = gsm7_safe(name)
    words = safe.split()
    if len(safe) > NAME_LIMIT and len(words) > 1:
        safe = f"{words[0]} {words[-1]}"
    return safe[:NAME_LIMIT].rstrip()


# -- to staff: a reference and what is due, never the resident's details -------------------

TASK_NAMES = {
    "risk_assessment_callback": "callback",
    "update_callback": "update callback",
    "graffiti_removal": "graffiti removal",
    "progress_call": "progress call",
    "letter_or_visit": "letter or visit",
    "resident_message": "message to read",
    "text_flood": "check on resident",
}


def task_name(kind: str) -> str:
    return TASK_NAMES.get(kind, kind.replace("_", " "))


def new_task(reference: str, kind: str, due: datetime, risk_level: str) -> str:
    risk = f", risk {risk_level}" if kind != "graffiti_removal" else ""
    return (
        f"New {task_name(kind)}: {reference}{risk}, due by {spoken_day_and_time(due)}. Details are in the case system."
    )


def high_risk_alert(reference: str, due: datetime) -> str:
    due_by = spoken_day_and_time(due)
    return f"High risk: {reference} needs a priority callback, due by {due_by}. The duty officer is flagged."


def task_reminder(reference: str, kind: str, due: datetime) -> str:
    return f"Reminder: the {task_name(kind)} for {reference} is still open and due by {spoken_day_and_time(due)}."


def task_overdue(reference: str, kind: str, due: datetime, assignee: str) -> str:
    who = name_in_text(assignee) or "unnamed officer"
    return f"Overdue: the {task_name(kind)} for {reference} ({who}) was due by {spoken_day_and_time(due)}."


def task_without_officer(reference: str, kind: str, due: datetime) -> str:
    return (
        f"No officer: the {task_name(kind)} for {reference} has nobody to take it, due by {spoken_day_and_time(due)}. "
        "Please assign it."
    )


def review_overdue(reference: str, due: datetime, officer: str | None) -> str:
    """To the officer's manager (or the duty managers): a fortnightly case review has passed its date."""
    who = name_in_text(officer or "") or "no named officer"
    return f"Review overdue: the fortnightly review of {reference} ({who}) was due by {spoken_day_and_time(due)}."


# -- to residents ---------------------------------------------------------------------------


def progress_update(reference: str, officer_name: str | None) -> str:
    """The fortnightly update: who is working on it and how to reach them; nothing sensitive."""
    name = name_in_text(officer_name or "")
    who = f"Your officer {name} is" if name else "An officer is"
    return (
        f"{SENDER}: an update on {reference}. {who} working on it. To talk to them call 0121 464 7269 "
        f"and quote {reference}. If you are in danger, call 999."
    )


def closure_survey(reference: str, survey_link: str) -> str:
    """After a case closes: the survey link, and a reply of 1 to 5 answers its first question."""
    return (
        f"{SENDER}: we have closed {reference}. Please tell us how we did: {survey_link} "
        "or reply with a number from 1 (very unhappy) to 5 (very happy). "
        f"To reopen it, call {LINE} within 28 days."
    )


def officer_named(reference: str, officer_name: str, changed: bool = False) -> str:
    """Who the resident's investigating officer is (at first contact, or a new one) and how to reach them."""
    name = name_in_text(officer_name)
    if name:
        who = f"{name} is {'now your' if changed else 'your'} officer for {reference}"
    else:  # a name with no letters a text can carry
        who = f"{'A new' if changed else 'An'} officer is looking after {reference}"
    return f"{SENDER}: {who}. To talk to them call {LINE} and quote {reference}. If you are in danger, call 999."


def survey_thanks() -> str:
    """The reply to a number texted back to the closure text: no reference, nothing about the case."""
    return f"{SENDER}: thank you for your answer. It helps us improve our service."


def graffiti_removed(reference: str) -> str:
    return f"{SENDER}: the graffiti you reported ({reference}) has been removed. Thank you for telling us."


# -- to residents, chosen by staff on the case page ------------------------------------------

LINE = "0121 464 7269"
# What staff may send, by the choice's name; the wording is fixed so every text stays discreet and short.
STAFF_TEXTS = {
    "please_call": "Ask them to call us",
    "tried_to_call": "Tell them we tried to phone",
    "offer_visit": "Offer to meet them",
}


def staff_text(choice: str, reference: str, officer_name: str | None) -> str:
    """A text staff send from the case page: who wants to talk and how to reach us; nothing about the report."""
    name = name_in_text(officer_name or "")
    who = f"your officer {name}" if name else "an officer"
    call_us = f"Please call {LINE} and quote {reference}. If you are in danger, call 999."
    if choice == "tried_to_call":
        return f"{SENDER}: we tried to phone you about {reference} but could not reach you. {call_us}"
    if choice == "offer_visit":
        return f"{SENDER}: {who} would like to meet you about {reference}, at home or a place you choose. {call_us}"
    if choice == "please_call":
        return f"{SENDER}: {who} would like to talk to you about {reference}. {call_us}"
    raise ValueError(f"no staff text called {choice!r}")


# -- to residents: a copy of their action plan ------------------------------------------------


def action_plan_copy(reference: str, officer_name: str | None, posted: bool) -> str:
    """A copy of the plan agreed with the resident is in the post, or ready for their officer to give them."""
    name = name_in_text(officer_name or "")
    who = f"Your officer {name}" if name else "Your officer"
    where = "has been posted to you" if posted else f"is ready. {who} can give it to you"
    return (
        f"{SENDER}: a copy of the plan we agreed with you about {reference} {where}. "
        f"Questions? Call {LINE} and quote {reference}. If you are in danger, call 999."
    )
