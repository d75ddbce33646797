"""Helper accounts (family certification), their bound relatives, and staff users with roles."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow
from shared.enums import StaffRole


class HelperAccount(Base):
    __tablename__ = "helper_accounts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    id_number: Mapped[str] = mapped_column(sa.String(18), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str] = mapped_column(sa.String(32))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # raised by sign-out and a password change: tokens issued before stop working (api/auth/tokens.py)
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")


class HelperBinding(Base):
    """A relative a helper may certify: made only after the relative passed a live face challenge."""

    __tablename__ = "helper_bindings"
    __table_args__ = (sa.UniqueConstraint("helper_id", "beneficiary_id", name="uq_helper_bindings_pair"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    helper_id: Mapped[int] = mapped_column(
        sa.ForeignKey("helper_accounts.id", ondelete="CASCADE"), index=True
    )
    beneficiary_id: Mapped[int] = mapped_column(
        sa.ForeignKey("beneficiaries.id", ondelete="CASCADE"), index=True
    )
    relationship_label: Mapped[str] = mapped_column(sa.String(32))
    challenge_id: Mapped[str | None] = mapped_column(sa.ForeignKey("challenges.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[StaffRole] = mapped_column(EnumString(StaffRole))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code", ondelete="RESTRICT"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # raised by sign-out, a password change and deactivation: tokens issued before stop working
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
