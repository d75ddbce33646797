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
from api.db import Base
from api.evidence.models import EvidenceFile
from api.receipts.models import Receipt
from api.regions.models import Region
from api.review.models import ReviewItem

__all__ = [
    "Attestation",
    "AttestationSignoff",
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "Beneficiary",
    "Certification",
    "Challenge",
    "ConsentRecord",
    "ContactConfirmation",
    "Entitlement",
    "EvidenceFile",
    "FailedAttempt",
    "HelperAccount",
    "HelperBinding",
    "IdempotencyRecord",
    "PaymentResumption",
    "Receipt",
    "ReferenceFace",
    "Region",
    "ReviewItem",
    "StaffUser",
]
