"""Cases (核查案件): a tip-off, a failed spot-check item or a data-comparison conflict followed up to an
outcome, with its timeline of notes, evidence, visit links, assignments and the closing."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow
from shared.case_schemas import CaseEntryKind, CaseOutcome, CaseSource, CaseState


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (sa.Index("ix_cases_state_region", "state", "region_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(sa.String(8), unique=True)  # eight digits (shared.reference)
    # HMAC-SHA256 of the lookup code under the secret key (public tip-offs only; the code is never stored)
    lookup_code_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    source: Mapped[CaseSource] = mapped_column(EnumString(CaseSource, length=16))
    state: Mapped[CaseState] = mapped_column(EnumString(CaseState, length=16), default=CaseState.OPEN)
    # The person concerned: NULL until a clerk links them (a tip-off may name someone not on the roster).
    beneficiary_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("beneficiaries.id", ondelete="RESTRICT"), index=True
    )
    subject_name: Mapped[str | None] = mapped_column(sa.String(50))  # as the tip-off named them
    subject_id_number: Mapped[str | None] = mapped_column(sa.String(18))  # as the tip-off gave it
    # The region whose staff handle the case (the person's; a tip-off's named region; NULL: national only).
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code", ondelete="RESTRICT"))
    description: Mapped[str] = mapped_column(sa.String(1000))
    reporter_phone: Mapped[str | None] = mapped_column(sa.String(20))
    spot_check_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("spot_check_items.id", ondelete="RESTRICT"), unique=True
    )
    feed_mismatch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("feed_mismatches.id", ondelete="RESTRICT"), unique=True
    )
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    outcome: Mapped[CaseOutcome | None] = mapped_column(EnumString(CaseOutcome, length=24))
    outcome_note: Mapped[str | None] = mapped_column(sa.String(1000))
    death_date: Mapped[date | None]
    closed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseEntry(Base):
    """One line of a case's timeline."""

    __tablename__ = "case_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CaseEntryKind] = mapped_column(EnumString(CaseEntryKind, length=16))
    text: Mapped[str | None] = mapped_column(sa.String(1000))
    evidence_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evidence_files.id", ondelete="SET NULL"))
    visit_record_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("visit_records.id", ondelete="SET NULL")
    )
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
