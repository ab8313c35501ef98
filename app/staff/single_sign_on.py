"""Who a council sign-in is: the ID token's verified email matched to an active console account (no Flask).

The provider has already checked who the person is; this decides only whether the console knows them.
An email counts only when the provider says it verified it: `email_verified` (the OpenID Connect
claim) or Microsoft Entra ID's `xms_edov` (the email's domain is verified by its owner). Anything
else could be an address the person typed into their profile themselves.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from app.staff.accounts import LONGEST_EMAIL, find_staff
from app.staff.models import StaffMember
from app.staff.passwords import CONSOLE_ROLES

# Why a council sign-in was refused (logged, and shown to the person in words).
NO_VERIFIED_EMAIL = "no_verified_email"
NO_ACCOUNT = "no_account"
DEACTIVATED = "deactivated"
NOT_A_CONSOLE_ROLE = "not_a_console_role"

TRUE = (True, "true")  # some providers send the boolean as a string


class SignOnRefused(Exception):
    """The council's provider signed the person in, but the console will not."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def verified_email(claims: Mapping[str, object]) -> str | None:
    """The ID token's email in lower case, if the provider verified it; None otherwise."""
    email = claims.get("email")
    verified = claims.get("email_verified") in TRUE or claims.get("xms_edov") in TRUE
    if not verified or not isinstance(email, str) or not email.strip() or len(email.strip()) > LONGEST_EMAIL:
        return None
    return email.strip().lower()


def account_signing_on(session: Session, claims: Mapping[str, object]) -> StaffMember:
    """The active console account whose email the ID token verified; SignOnRefused says why there is none."""
    email = verified_email(claims)
    if email is None:
        raise SignOnRefused(NO_VERIFIED_EMAIL)
    member = find_staff(session, email)
    if member is None:
        raise SignOnRefused(NO_ACCOUNT)
    if not member.active:
        raise SignOnRefused(DEACTIVATED)
    if member.role not in CONSOLE_ROLES:
        raise SignOnRefused(NOT_A_CONSOLE_ROLE)
    return member
