"""Every ORM model in one import, so ``Base.metadata`` is complete (Alembic, tests, create_all).

Other domains (certification API, back office) add their model modules to this list.
"""

from api.audit import AuditChainHead, AuditEvent
from api.beneficiaries.models import Beneficiary, Certification, Entitlement, ReferenceFace
from api.db import Base
from api.regions.models import Region

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "Beneficiary",
    "Certification",
    "Entitlement",
    "ReferenceFace",
    "Region",
]
