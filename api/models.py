"""Every ORM model in one import, so ``Base.metadata`` is complete (Alembic, tests, create_all).

Other domains (certification API, back office) add their model modules to this list.
"""

from api.audit import AuditChainHead, AuditEvent
from api.auth.models import HelperAccount, HelperBinding, StaffUser
from api.beneficiaries.models import Beneficiary, Certification, Entitlement, ReferenceFace
from api.certification.models import (
    Attestation,
    AttestationSignoff,
    ContactConfirmation,
    PaymentResumption,
)
from api.challenges.models import Challenge, ConsentRecord, FailedAttempt, IdempotencyRecord
from api.comparison.models import FeedMismatch, FeedRun, RecoveryCase
from api.cycle_jobs.models import CycleRun
from api.db import Base
from api.evidence.models import EvidenceFile
from api.institutions.models import BatchAttestation, Institution, InstitutionAdmin, InstitutionMember
from api.notify.models import OutboxMessage
from api.receipts.models import Receipt
from api.regions.models import Region
from api.review.models import ReviewItem
from api.spotchecks.models import SpotCheck, SpotCheckItem

__all__ = [
    "Attestation",
    "AttestationSignoff",
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "BatchAttestation",
    "Beneficiary",
    "Certification",
    "Challenge",
    "ConsentRecord",
    "ContactConfirmation",
    "CycleRun",
    "Entitlement",
    "EvidenceFile",
    "FailedAttempt",
    "FeedMismatch",
    "FeedRun",
    "HelperAccount",
    "HelperBinding",
    "IdempotencyRecord",
    "Institution",
    "InstitutionAdmin",
    "InstitutionMember",
    "OutboxMessage",
    "PaymentResumption",
    "Receipt",
    "RecoveryCase",
    "ReferenceFace",
    "Region",
    "ReviewItem",
    "SpotCheck",
    "SpotCheckItem",
    "StaffUser",
]
