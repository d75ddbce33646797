"""`lifecert demo`: an SQLite database with a small demo roster, the API on :8000, the citizens' web app on
:8550 and the staff web app on :8551 (each app a subprocess: ``python -m app.citizen`` / ``app.staff``).

The roster spans two townships of Dongcheng (110101) with two villages each (enough for a spot check:
policy ``002_a97ef5265602fef9.txt`` draws ≥ 2 townships × ≥ 2 villages), with people aged 80 or more, a
bedridden and a severely disabled person, and one who asked for a home visit. Staff accounts: two village
coordinators (one per township), a reviewer and an admin for the county, all with the demo password.

Seeding is idempotent (people are matched by ID number, staff by user name), so running the demo twice
changes nothing.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api import audit
from api.auth.demo_accounts import DEMO_STAFF_PASSWORD
from api.beneficiaries.models import Beneficiary, Certification, Entitlement
from api.core.operator import OperatorKind
from api.policy_loader import load_policy
from api.regions.importer import RegionSpec, upsert_regions
from api.regions.models import Region
from shared import cycle
from shared.enums import (
    BenefitType,
    CertificationMethod,
    CertificationResult,
    PaymentState,
    RegionLevel,
    ResidenceKind,
    StaffRole,
    StopReason,
    VisitRequestReason,
)
from shared.idnumber import make_id_number
from shared.months import YearMonth
from shared.policy import PolicyTable

ACTOR = "system:demo"
# Staff accounts for the staff app (:8551) in the local demo only; `lifecert demo` refuses production.
DEMO_STAFF_USERNAME = "demo-admin"
ENTITLED_SINCE = date(2015, 1, 1)  # everyone has been on the roll for years

DEMO_REGIONS = [
    RegionSpec("11", "北京市", RegionLevel.PROVINCE, None),
    RegionSpec("1101", "北京市市辖区", RegionLevel.CITY, "11"),
    RegionSpec("110101", "东城区", RegionLevel.COUNTY, "1101"),
    RegionSpec("110101001", "东华门街道", RegionLevel.TOWNSHIP, "110101"),
    RegionSpec("110101001001", "多福巷社区", RegionLevel.VILLAGE, "110101001"),
    RegionSpec("110101001002", "银闸社区", RegionLevel.VILLAGE, "110101001"),
    RegionSpec("110101002", "景山街道", RegionLevel.TOWNSHIP, "110101"),
    RegionSpec("110101002001", "隆福寺社区", RegionLevel.VILLAGE, "110101002"),
    RegionSpec("110101002002", "吉祥社区", RegionLevel.VILLAGE, "110101002"),
    RegionSpec("33", "浙江省", RegionLevel.PROVINCE, None),
    RegionSpec("3301", "杭州市", RegionLevel.CITY, "33"),
    RegionSpec("330106", "西湖区", RegionLevel.COUNTY, "3301"),
    RegionSpec("330106001", "北山街道", RegionLevel.TOWNSHIP, "330106"),
    RegionSpec("330106001001", "宝石社区", RegionLevel.VILLAGE, "330106001"),
]


@dataclass(frozen=True, slots=True)
class DemoPerson:
    name: str
    region6: str  # region of first issue (in the ID number)
    birth: date
    seq: int  # odd = male, even = female
    region: str  # current region code
    benefits: tuple[tuple[BenefitType, int], ...]  # (type, monthly cents)
    note: str
    certified: str | None = None  # a passed certification in the "current", "previous" or "older" window
    method: CertificationMethod = CertificationMethod.SELF_FACE
    suspended: bool = False  # suspended by the cycle rules for the window missed after `certified`
    deceased: bool = False
    residence: ResidenceKind = ResidenceKind.DOMESTIC
    country: str | None = None
    time_zone: str = "Asia/Shanghai"
    phone: str | None = None
    severely_disabled: bool = False
    bedridden: bool = False
    lives_alone: bool = False
    visit: VisitRequestReason | None = None  # asked for a home visit (still open)

    @property
    def id_number(self) -> str:
        return make_id_number(self.region6, self.birth, self.seq)


DEMO_PEOPLE = [
    DemoPerson(
        "张建国",
        "110101",
        date(1955, 6, 12),
        11,
        "110101001001",
        ((BenefitType.ENTERPRISE_PENSION, 412_000),),
        "certified this window (self face)",
        certified="current",
        phone="13800138000",
    ),
    DemoPerson(
        "李秀英",
        "110101",
        date(1950, 3, 8),
        22,
        "110101001001",
        ((BenefitType.RESIDENT_PENSION, 23_500),),
        "due: certified last window, this one is open",
        certified="previous",
        phone="13900139000",
    ),
    DemoPerson(
        "王德明",
        "110101",
        date(1948, 11, 2),
        31,
        "110101001001",
        ((BenefitType.ENTERPRISE_PENSION, 385_050),),
        "suspended for a missed certification",
        certified="older",
        suspended=True,
    ),
    DemoPerson(
        "陈美华",
        "330106",
        date(1952, 9, 30),
        42,
        "330106001001",
        ((BenefitType.INSTITUTION_PENSION, 625_000),),
        "overseas resident (Los Angeles), certified",
        certified="current",
        method=CertificationMethod.OVERSEAS_DOCUMENT,
        residence=ResidenceKind.OVERSEAS,
        country="US",
        time_zone="America/Los_Angeles",
    ),
    DemoPerson(
        "刘志强",
        "330106",
        date(1958, 1, 20),
        51,
        "330106001001",
        ((BenefitType.ENTERPRISE_PENSION, 356_000), (BenefitType.WORK_INJURY, 180_000)),
        "two entitlements (half-yearly and quarterly cycles in Xihu)",
        certified="current",
    ),
    DemoPerson(
        "赵淑珍",
        "110101",
        date(1946, 12, 25),
        62,
        "110101001001",
        ((BenefitType.SURVIVOR, 150_000),),
        "survivor benefit, certified by family",
        certified="current",
        method=CertificationMethod.FAMILY_FACE,
    ),
    DemoPerson(
        "孙国庆",
        "110101",
        date(1949, 10, 1),
        71,
        "110101001001",
        ((BenefitType.RESIDENT_PENSION, 21_000),),
        "overdue: missed the last window",
        certified="older",
    ),
    DemoPerson(
        "周丽娟",
        "330106",
        date(1960, 5, 5),
        82,
        "330106001001",
        ((BenefitType.INSTITUTION_PENSION, 712_000),),
        "certified by data comparison",
        certified="current",
        method=CertificationMethod.DATA_COMPARISON,
    ),
    DemoPerson(
        "吴天佑",
        "110101",
        date(1956, 7, 7),
        91,
        "110101001001",
        ((BenefitType.ENTERPRISE_PENSION, 398_000),),
        "overseas resident (Toronto), due",
        certified="previous",
        residence=ResidenceKind.OVERSEAS,
        country="CA",
        time_zone="America/Toronto",
    ),
    DemoPerson(
        "郑桂兰",
        "110101",
        date(1940, 4, 18),
        2,
        "110101001001",
        ((BenefitType.RESIDENT_PENSION, 20_000),),
        "deceased: payment stopped",
        deceased=True,
    ),
    DemoPerson(
        "刘桂芝",
        "110101",
        date(1941, 3, 16),
        4,
        "110101001002",
        ((BenefitType.RESIDENT_PENSION, 20_500),),
        "aged 80+, lives alone, due (on the coordinators' work list)",
        certified="previous",
        phone="13700137001",
        lives_alone=True,
    ),
    DemoPerson(
        "马德胜",
        "110101",
        date(1939, 8, 9),
        13,
        "110101002001",
        ((BenefitType.ENTERPRISE_PENSION, 298_000),),
        "aged 80+, bedridden, due (home visit by default)",
        certified="previous",
        phone="13700137002",
        bedridden=True,
    ),
    DemoPerson(
        "钱玉兰",
        "110101",
        date(1944, 5, 21),
        24,
        "110101002001",
        ((BenefitType.RESIDENT_PENSION, 19_800),),
        "aged 80+, due, asked for a home visit",
        certified="previous",
        phone="13700137003",
        visit=VisitRequestReason.ELDERLY,
    ),
    DemoPerson(
        "黄振华",
        "110101",
        date(1945, 1, 10),
        33,
        "110101002002",
        ((BenefitType.ENTERPRISE_PENSION, 330_000),),
        "aged 80+, severely disabled, overdue: missed the last window",
        certified="older",
        severely_disabled=True,
    ),
    DemoPerson(
        "周秀云",
        "110101",
        date(1962, 7, 15),
        42,
        "110101001002",
        ((BenefitType.ENTERPRISE_PENSION, 365_000),),
        "certified this window (self face)",
        certified="current",
        phone="13700137004",
    ),
    DemoPerson(
        "郭淑华",
        "110101",
        date(1936, 10, 5),
        62,
        "110101002001",
        ((BenefitType.RESIDENT_PENSION, 21_500),),
        "aged 90, bedridden, certified this window on a home visit",
        certified="current",
        method=CertificationMethod.HOME_VISIT,
        bedridden=True,
    ),
    DemoPerson(
        "吴建华",
        "110101",
        date(1958, 2, 3),
        51,
        "110101002002",
        ((BenefitType.ENTERPRISE_PENSION, 342_000),),
        "certified this window by staff on site",
        certified="current",
        method=CertificationMethod.STAFF_ONSITE,
    ),
]


@dataclass(frozen=True, slots=True)
class DemoStaff:
    username: str
    name: str
    role: StaffRole
    region: str  # the region the account serves (its work list and visits)


DEMO_STAFF = [
    DemoStaff("demo-coordinator", "张协办", StaffRole.COORDINATOR, "110101001001"),
    DemoStaff("demo-coordinator-2", "李协办", StaffRole.COORDINATOR, "110101002001"),
    DemoStaff("demo-reviewer", "王审核", StaffRole.REVIEWER, "110101"),
    DemoStaff(DEMO_STAFF_USERNAME, "演示管理员", StaffRole.ADMIN, "110101"),
]


def seed_demo(session: Session, *, policy: PolicyTable | None = None, now: datetime | None = None) -> int:
    """Insert the demo regions and people that are missing; returns how many people were added."""
    policy = policy or PolicyTable()
    now = now or datetime.now(UTC)
    upsert_regions(session, DEMO_REGIONS, actor=ACTOR)
    added = 0
    for p in DEMO_PEOPLE:
        exists = session.execute(
            sa.select(Beneficiary.id).where(Beneficiary.id_number == p.id_number)
        ).scalar()
        if exists is None:
            _add_person(session, p, policy, now)
            added += 1
    session.flush()
    return added


def _region_path(session: Session, code: str) -> list[str]:
    path: list[str] = []
    current: str | None = code
    while current:
        path.insert(0, current)
        current = session.get(Region, current).parent_code  # type: ignore[union-attr]
    return path


def _add_person(session: Session, p: DemoPerson, policy: PolicyTable, now: datetime) -> None:
    today = cycle.local_date(now, p.time_zone)
    person = Beneficiary(
        id_number=p.id_number,
        name=p.name,
        sex="male" if p.seq % 2 else "female",
        birth_date=p.birth,
        phone=p.phone,
        region_code=p.region,
        residence_kind=p.residence,
        country=p.country,
        time_zone=p.time_zone,
        deceased_on=today - timedelta(days=45) if p.deceased else None,
        severely_disabled=p.severely_disabled,
        bedridden=p.bedridden,
        lives_alone=p.lives_alone,
    )
    session.add(person)
    session.flush()
    audit.record(
        session,
        actor=ACTOR,
        action="beneficiary.create",
        entity_type="beneficiary",
        entity_id=person.id,
        after={
            "id_number": p.id_number,
            "name": p.name,
            "region": p.region,
            "severely_disabled": p.severely_disabled,
            "bedridden": p.bedridden,
            "lives_alone": p.lives_alone,
        },
        reason="demo roster",
    )
    path = _region_path(session, p.region)
    certified = _certified_on(p, path, policy, today)
    for benefit, cents in p.benefits:
        ent = Entitlement(
            beneficiary_id=person.id, benefit_type=benefit, monthly_cents=cents, entitled_since=ENTITLED_SINCE
        )
        if p.suspended:
            # The month the cycle rules suspend from: after the first window missed since the last
            # certification.
            since = cycle.suspension_month(
                policy.policy_for(path, benefit),
                p.birth,
                today,
                certifications=[certified[1]] if certified else [],
                entitled_since=ENTITLED_SINCE,
            )
            ent.payment_state = PaymentState.SUSPENDED
            ent.suspended_since = since
        if p.deceased:
            ent.payment_state = PaymentState.STOPPED
            ent.stopped_reason = StopReason.DECEASED
            ent.stopped_from = YearMonth.of(today - timedelta(days=45)).next()
        session.add(ent)
        session.flush()
        audit.record(
            session,
            actor=ACTOR,
            action="entitlement.create",
            entity_type="entitlement",
            entity_id=ent.id,
            after={
                "benefit_type": benefit,
                "monthly_cents": cents,
                "payment_state": ent.payment_state,
                "suspended_since": ent.suspended_since,
            },
            reason="demo roster",
        )
    if certified is not None:
        window, local = certified
        at = datetime(local.year, local.month, local.day, 12, 0, tzinfo=ZoneInfo(p.time_zone)).astimezone(UTC)
        cert = Certification(
            beneficiary_id=person.id,
            window_start=window.start,
            window_end=window.end,
            method=p.method,
            operator_kind=(
                OperatorKind.SELF if p.method is CertificationMethod.SELF_FACE else OperatorKind.STAFF
            ),
            operator_id=None,
            result=CertificationResult.PASSED,
            evidence=[],
            certified_at=at,
            local_date=local,
        )
        session.add(cert)
        session.flush()
        audit.record(
            session,
            actor=ACTOR,
            action="certification.create",
            entity_type="certification",
            entity_id=cert.id,
            after={"method": p.method, "local_date": local},
            reason="demo roster",
        )
    if p.visit is not None:
        from api.core.operator import SELF
        from api.worklist import visits

        visits.create(session, person=person, reason=p.visit, requested_by=SELF, now=now, phone=p.phone)


def _certified_on(
    p: DemoPerson, path: list[str], policy: PolicyTable, today: date
) -> tuple[cycle.Window, date] | None:
    """The window and local date of the person's demo certification (None when they have none)."""
    if p.certified is None:
        return None
    cycle_policy = policy.policy_for(path, p.benefits[0][0])
    window = cycle.window_for(cycle_policy, p.birth, today)
    steps = {"current": 0, "previous": 1, "older": 2}[p.certified]
    for _ in range(steps):
        window = cycle.previous_window(cycle_policy, p.birth, window)
    # A few days ago in the current window; the middle of an earlier one.
    if steps == 0:
        # Inside the current window of every entitlement (quarterly and half-yearly ones differ).
        starts = [cycle.window_for(policy.policy_for(path, b), p.birth, today).start for b, _ in p.benefits]
        return window, max(today - timedelta(days=3), *starts)
    return window, window.start + (window.end - window.start) / 2


def seed_demo_staff(session: Session) -> list[str]:
    """Create the demo staff accounts that are missing (their regions too); returns the user names made."""
    from api.auth import service
    from api.auth.models import StaffUser

    upsert_regions(session, DEMO_REGIONS, actor=ACTOR)
    made = []
    for s in DEMO_STAFF:
        if session.execute(sa.select(StaffUser.id).where(StaffUser.username == s.username)).first():
            continue
        service.create_staff(
            session,
            username=s.username,
            name=s.name,
            role=s.role,
            password=DEMO_STAFF_PASSWORD,
            region_code=s.region,
            actor=ACTOR,
        )
        made.append(s.username)
    return made


def print_people(out=sys.stdout) -> None:
    print("Demo people (ID number, name — try them in the status lookup):", file=out)
    for p in DEMO_PEOPLE:
        print(f"  {p.id_number}  {p.name}  — {p.note}", file=out)


def print_staff(out=sys.stdout) -> None:
    names = {r.code: r.name for r in DEMO_REGIONS}
    print(f"Demo staff (password {DEMO_STAFF_PASSWORD} for each):", file=out)
    for s in DEMO_STAFF:
        print(f"  {s.username:<20} {s.role.value:<12} {s.region} {names.get(s.region, '')}", file=out)


# The web apps the demo starts: (what, module), each served on its own port.
WEB_APPS = (("citizens' app", "app.citizen"), ("staff app", "app.staff"))


def client_available(module: str = "app.citizen") -> bool:
    """Whether the web app ``module`` is installed here (the ``client`` extra)."""
    try:
        return importlib.util.find_spec(f"{module}.__main__") is not None
    except (ImportError, ValueError):
        return False


def run_demo(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    client_port: int = 8550,
    staff_port: int = 8551,
    with_client: bool = True,
) -> int:
    import uvicorn

    from api.core.client_address import uvicorn_proxy_options
    from api.core.db import make_engine, make_sessionmaker, session_scope, upgrade
    from api.core.settings import Settings
    from api.main import create_app

    settings = Settings()
    if settings.is_production:
        print(
            "error: lifecert demo seeds demo people and a demo staff account; not in production",
            file=sys.stderr,
        )
        return 2
    print(f"database: {settings.database_url}")
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            added = seed_demo(session, policy=load_policy(settings.policy_file))
            seed_demo_staff(session)
    finally:
        engine.dispose()
    print(f"demo roster: {added} people added ({len(DEMO_PEOPLE) - added} already there)")
    print_people()
    print_staff()

    api_url = f"http://{host}:{port}"
    make_speech()
    clients: list[subprocess.Popen[bytes]] = []
    if with_client:
        for (what, module), web_port in zip(WEB_APPS, (client_port, staff_port), strict=True):
            if not client_available(module):
                print(
                    f"warning: the {what} (python -m {module}) is not available; not started", file=sys.stderr
                )
                continue
            cmd = [sys.executable, "-m", module, "--port", str(web_port), "--api", api_url]
            clients.append(subprocess.Popen(cmd, env={**os.environ, "PYTHONUNBUFFERED": "1"}))
            print(f"{what}: http://127.0.0.1:{web_port}  (pid {clients[-1].pid})")
            if module == "app.staff":
                print(f"  sign in as {DEMO_STAFF_USERNAME}, password {DEMO_STAFF_PASSWORD}")
    print(f"API: {api_url}  (OpenAPI {api_url}/docs, health {api_url}/healthz) — Ctrl-C stops everything")
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            host=host,
            port=port,
            log_level="info",
            **uvicorn_proxy_options(settings.trusted_proxies),
        )
    )
    try:
        server.run()
    finally:
        _stop_all(clients)
    return 0


def make_speech() -> None:
    """The apps' spoken guidance (build/speech.py with espeak-ng), when this is a checkout and espeak-ng is
    installed; the apps run silent otherwise."""
    import shutil
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "build" / "speech.py"
    if not script.is_file() or shutil.which("espeak-ng") is None:
        print("note: spoken guidance off (needs build/speech.py and espeak-ng: apt-get install espeak-ng)")
        return
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    made = done.returncode == 0
    print(done.stdout.strip() if made else f"warning: spoken guidance not made: {done.stderr[-300:]}")


def _stop_all(procs: list[subprocess.Popen[bytes]]) -> None:
    """Stop the web apps together (Ctrl-C to each, then terminate, then kill), so stopping the demo takes
    at most 15 s however many apps run: one after the other took up to 30 s, and a caller that gave up
    sooner (SIGKILL) left the apps running without their API."""
    running = [p for p in procs if p.poll() is None]
    for proc in running:
        proc.send_signal(signal.SIGINT)
    for sig, wait_s in ((None, 10.0), (signal.SIGTERM, 5.0), (signal.SIGKILL, None)):
        if sig is not None:
            for proc in running:
                proc.send_signal(sig)
        deadline = time.monotonic() + (wait_s or 30.0)
        for proc in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        running = [p for p in running if p.poll() is None]
        if not running:
            return
