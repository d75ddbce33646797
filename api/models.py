"""Every ORM model in one import, so ``Base.metadata`` is complete (Alembic, tests, create_all), and
``schema_diff`` that compares the live schema with them.

Other domains (certification API, back office) add their model modules to this list.
"""

from typing import Any

from sqlalchemy.engine import Engine

from api.audit import AuditChainHead, AuditEvent
from api.auth.models import HelperAccount, HelperBinding, StaffUser
from api.beneficiaries.models import Beneficiary, Certification, Entitlement, ReferenceFace
from api.cases.models import Case, CaseEntry
from api.certification.models import (
    Attestation,
    AttestationSignoff,
    ContactConfirmation,
    PaymentResumption,
)
from api.challenges.models import (
    Challenge,
    ConsentRecord,
    FailedAttempt,
    FrameDigest,
    IdempotencyRecord,
)
from api.comparison.models import FeedBatch, FeedMismatch, FeedRun, FeedSource, RecoveryCase
from api.core.db import Base, alembic_compare_type, alembic_render_item
from api.core.idempotency import IdempotentRequest
from api.cycle_jobs.models import CycleRun
from api.death_reports.models import DeathReport
from api.evidence.models import EvidenceFile, EvidenceView
from api.institutions.models import BatchAttestation, Institution, InstitutionAdmin, InstitutionMember
from api.notify.models import NoticeDelivery, NoticeOptOut, OutboxMessage
from api.payroll.models import PaymentFailure
from api.receipts.models import Receipt
from api.record_changes.models import RecordChange
from api.recovery.models import RecoveryRepayment, RecoveryStep
from api.regions.models import Region
from api.review.models import ReviewItem
from api.spotchecks.models import SpotCheck, SpotCheckItem
from api.worklist.models import VisitRecord, VisitRequest

__all__ = [
    "Attestation",
    "AttestationSignoff",
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "BatchAttestation",
    "Beneficiary",
    "Case",
    "CaseEntry",
    "Certification",
    "Challenge",
    "ConsentRecord",
    "ContactConfirmation",
    "CycleRun",
    "DeathReport",
    "Entitlement",
    "EvidenceFile",
    "EvidenceView",
    "FailedAttempt",
    "FrameDigest",
    "FeedBatch",
    "FeedMismatch",
    "FeedRun",
    "FeedSource",
    "HelperAccount",
    "HelperBinding",
    "IdempotencyRecord",
    "IdempotentRequest",
    "Institution",
    "InstitutionAdmin",
    "InstitutionMember",
    "NoticeDelivery",
    "NoticeOptOut",
    "OutboxMessage",
    "PaymentFailure",
    "PaymentResumption",
    "Receipt",
    "RecordChange",
    "RecoveryCase",
    "RecoveryRepayment",
    "RecoveryStep",
    "ReferenceFace",
    "Region",
    "ReviewItem",
    "SpotCheck",
    "SpotCheckItem",
    "StaffUser",
    "VisitRecord",
    "VisitRequest",
]


def schema_diff(engine: Engine) -> list[Any]:
    """Differences between the live schema and the models (empty when migrations match the models)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": alembic_compare_type, "render_item": alembic_render_item}
        )
        return [d for d in compare_metadata(ctx, Base.metadata) if not _ignorable(d)]


def _ignorable(diff: Any) -> bool:
    # alembic_version is Alembic's own bookkeeping table.
    return isinstance(diff, tuple) and diff[0] == "remove_table" and diff[1].name == "alembic_version"
