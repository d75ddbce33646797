"""Test data made through the real models (no mocks): regions, people with valid ID numbers, entitlements."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.beneficiaries.models import Beneficiary, Certification, Entitlement
from api.regions.models import Region
from shared.enums import (
    BenefitType,
    CertificationMethod,
    CertificationResult,
    PaymentState,
    RegionLevel,
    ResidenceKind,
)
from shared.idnumber import make_id_number, parse_id_number
from shared.months import YearMonth

_counter = itertools.count(1)

REGIONS = [
    ("11", "北京市", RegionLevel.PROVINCE, None),
    ("1101", "市辖区", RegionLevel.CITY, "11"),
    ("110101", "东城区", RegionLevel.COUNTY, "1101"),
]
# Regions below and beside the default county, for region-scope tests: added only when a test names one.
TREE = {
    code: (name, level, parent)
    for code, name, level, parent in [
        *REGIONS,
        ("110101001", "东华门街道", RegionLevel.TOWNSHIP, "110101"),
        ("110101001001", "多福巷社区", RegionLevel.VILLAGE, "110101001"),
        ("110101001002", "银闸社区", RegionLevel.VILLAGE, "110101001"),
        ("110101002", "景山街道", RegionLevel.TOWNSHIP, "110101"),
        ("110101002001", "吉祥社区", RegionLevel.VILLAGE, "110101002"),
        ("110101002002", "景山东街社区", RegionLevel.VILLAGE, "110101002"),
        ("110102", "西城区", RegionLevel.COUNTY, "1101"),
        ("110102001", "西长安街街道", RegionLevel.TOWNSHIP, "110102"),
        ("110102001001", "府右街社区", RegionLevel.VILLAGE, "110102001"),
    ]
}


def ensure_regions(session: Session, code: str | None = None) -> str:
    """The test region path 11 › 1101 › 110101, or the path down to ``code`` (a key of ``TREE``);
    returns the last code."""
    code = code or REGIONS[-1][0]
    path: list[str] = []
    current: str | None = code
    while current is not None:
        path.append(current)
        current = TREE[current][2]
    for each in reversed(path):
        if session.get(Region, each) is None:
            name, level, parent = TREE[each]
            session.add(Region(code=each, name=name, level=level, parent_code=parent))
            session.flush()
    return code


@dataclass
class PersonFactory:
    session: Session
    made: list[Beneficiary] = field(default_factory=list)

    def __call__(
        self,
        *,
        name: str = "张三明",
        birth: date = date(1950, 3, 15),
        benefits: tuple[BenefitType, ...] = (BenefitType.ENTERPRISE_PENSION,),
        payment_state: PaymentState = PaymentState.ACTIVE,
        suspended_since: YearMonth | str | None = None,
        residence_kind: ResidenceKind = ResidenceKind.DOMESTIC,
        country: str | None = None,
        time_zone: str = "Asia/Shanghai",
        certified_on: date | None = None,
        entitled_since: date | None = date(2015, 1, 1),
        region_code: str | None = None,
        commit: bool = True,
    ) -> Beneficiary:
        region = ensure_regions(self.session, region_code)
        # A unique sequence per person keeps ID numbers distinct.
        seq = next(_counter) % 1000
        number = _unique_number(self.session, region[:6], birth, seq)
        info = parse_id_number(number)
        person = Beneficiary(
            id_number=number,
            name=name,
            sex=info.sex,
            birth_date=info.birth_date,
            region_code=region,
            residence_kind=residence_kind,
            country=country,
            time_zone=time_zone,
        )
        self.session.add(person)
        self.session.flush()
        for benefit in benefits:
            self.session.add(
                Entitlement(
                    beneficiary_id=person.id,
                    benefit_type=benefit,
                    monthly_cents=312_550,
                    payment_state=payment_state,
                    suspended_since=YearMonth.parse(suspended_since)
                    if isinstance(suspended_since, str)
                    else suspended_since,
                    entitled_since=entitled_since,
                )
            )
        if certified_on is not None:
            self.session.add(
                Certification(
                    beneficiary_id=person.id,
                    window_start=certified_on.replace(day=1),
                    window_end=certified_on,
                    method=CertificationMethod.SELF_FACE,
                    operator_kind="self",
                    result=CertificationResult.PASSED,
                    evidence=[],
                    certified_at=datetime(
                        certified_on.year, certified_on.month, certified_on.day, 2, 0, tzinfo=UTC
                    ),
                    local_date=certified_on,
                )
            )
        if commit:
            self.session.commit()
        self.made.append(person)
        return person


def _unique_number(session: Session, region: str, birth: date, seq: int) -> str:
    for offset in range(1000):
        number = make_id_number(region, birth, (seq + offset) % 1000)
        exists = session.execute(
            sa.select(Beneficiary.id).where(Beneficiary.id_number == number)
        ).scalar_one_or_none()
        if exists is None:
            return number
    raise RuntimeError("no free ID number for this birth date")
