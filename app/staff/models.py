"""Staff accounts and their API tokens (only a hash of each token or password is stored)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.extensions import Base, UTCDateTime

ROLES = ("officer", "contact_centre", "manager", "admin", "integration")


class StaffMember(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    mobile: Mapped[str | None] = mapped_column(String(20))
    # Postcode districts this officer covers, e.g. ["B10", "B11"].
    patch: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Working pattern: weekdays (0 = Monday) and hours, London time.
    working_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [0, 1, 2, 3, 4])
    works_from: Mapped[str] = mapped_column(String(5), default="09:00")
    works_until: Mapped[str] = mapped_column(String(5), default="17:00")
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # A manager who receives high-risk alerts.
    duty_manager: Mapped[bool] = mapped_column(default=False)
    # The console password's argon2 hash (app/staff/passwords.py); None: no password, no console sign-in.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # Raised by signing out or a new password: every console session made before it ends at its next request.
    session_generation: Mapped[int] = mapped_column(default=0, server_default=text("0"))

    manager: Mapped[StaffMember | None] = relationship(remote_side="StaffMember.id")

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="staff")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    staff: Mapped[StaffMember] = relationship(back_populates="tokens")
