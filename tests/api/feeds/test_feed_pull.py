"""``lifecert feed pull DIR`` over a real drop directory and a real database (SQLite and PostgreSQL): each
file imported once as a batch of its source, moved to done/ or failed/ with its report; a second run (and the
same file dropped again) changes nothing. And the source commands: add, rotate, revoke, list."""

from __future__ import annotations

import json
import os

import sqlalchemy as sa

from api.cli import main
from api.core.deps import agency_today
from tests.api.feeds.helpers import add_source, audit_count, snapshot


def _pull(db_url: str, root) -> int:
    return main(["--database-url", db_url, "feed", "pull", str(root), "--min-age", "0"])


def test_pull_imports_each_file_once_and_moves_it(db_url, session, engine, make_person, tmp_path, capsys):
    person = make_person(name="王建国", region_code="110101001001")
    add_source(session, "minzheng-dongcheng", ["sign_of_life"], region_code="110101")
    drop = tmp_path / "drop"
    kind_dir = drop / "minzheng-dongcheng" / "sign_of_life"
    kind_dir.mkdir(parents=True)
    good = (
        "id_number,name,event_date,source\n"
        f"{person.id_number},王建国,{agency_today().isoformat()},office_visit\n"
        f"{person.id_number},王建国,not-a-date,office_visit\n"
    ).encode()
    (kind_dir / "2026-11-30 visits.csv").write_bytes(good)
    (kind_dir / "broken.csv").write_bytes(b"id_number,name\n1,2\n")
    stranger_dir = drop / "unknown-source" / "death"
    stranger_dir.mkdir(parents=True)
    (stranger_dir / "x.csv").write_bytes(b"id_number,name,death_date,source\n")
    young = kind_dir / "still-writing.csv"
    young.write_bytes(good)

    assert main(["--database-url", db_url, "feed", "pull", str(drop), "--min-age", "3600"]) == 0
    assert sorted(p.name for p in kind_dir.glob("*.csv")) == [
        "2026-11-30 visits.csv",
        "broken.csv",
        "still-writing.csv",
    ]
    young.unlink()

    assert _pull(db_url, drop) == 1  # one file could not be used
    out = capsys.readouterr()
    assert list(kind_dir.glob("*.csv")) == [] and list(stranger_dir.glob("*.csv")) == []
    [done_report] = (kind_dir / "done").glob("*.report.json")
    report = json.loads(done_report.read_text(encoding="utf-8"))
    assert report["file"] == "2026-11-30 visits.csv" and report["batch_id"].startswith("2026-11-30_visits-")
    assert (report["applied"], report["refused"], report["replayed"]) == (1, 1, False)
    assert report["refused_rows"][0] == {
        "row": 3,
        "code": "bad_date",
        "message": report["refused_rows"][0]["message"],
    }
    assert (kind_dir / "done" / (report["batch_id"] + ".csv")).read_bytes() == good
    failed = {json.loads(p.read_text(encoding="utf-8"))["error"] for p in drop.rglob("failed/*.report.json")}
    assert failed == {"feed_batch_unreadable", "feed_source_unknown"}
    assert "done:" in out.out and "failed:" in out.err

    before, events = snapshot(engine), audit_count(engine)
    assert _pull(db_url, drop) == 0  # nothing waiting: nothing changes
    assert snapshot(engine) == before and audit_count(engine) == events

    # The same file dropped again (a sender's retry): imported as the same batch, so nothing changes.
    (kind_dir / "2026-11-30 visits.csv").write_bytes(good)
    os.utime(kind_dir / "2026-11-30 visits.csv", (0, 0))
    assert _pull(db_url, drop) == 0
    assert snapshot(engine) == before and audit_count(engine) == events
    replayed = json.loads(done_report.read_text(encoding="utf-8"))
    assert replayed["replayed"] is True and replayed["applied"] == 1


def test_source_commands_show_the_key_once_and_store_only_its_hash(db_url, session, engine, capsys):
    from api.comparison.sources import source_for_key
    from tests.api.factories import ensure_regions

    ensure_regions(session, "110101")
    session.commit()
    base = ["--database-url", db_url, "feed", "source"]
    assert (
        main([*base, "add", "gongan-dongcheng", "--kinds", "death", "detention", "--region", "110101"]) == 0
    )
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("lcf_") and len(key) > 40
    assert key not in str(snapshot(engine))
    assert source_for_key(session, key).kinds == ["death", "detention"]
    assert main([*base, "add", "gongan-dongcheng", "--kinds", "death"]) == 2  # the name is taken
    assert main([*base, "add", "nowhere", "--kinds", "death", "--region", "999999"]) == 2
    capsys.readouterr()

    assert main([*base, "rotate", "gongan-dongcheng"]) == 0
    new = capsys.readouterr().out.strip().splitlines()[-1]
    session.expire_all()
    assert source_for_key(session, key) is None and source_for_key(session, new) is not None
    assert main([*base, "list"]) == 0
    listed = capsys.readouterr().out
    assert "gongan-dongcheng\tdeath,detention\t110101\tyes\t" + new[:8] + "…" in listed
    assert main([*base, "revoke", "gongan-dongcheng", "--reason", "contract ended"]) == 0
    session.expire_all()
    assert source_for_key(session, new) is None
    assert main([*base, "revoke", "nobody"]) == 2
    events = session.execute(
        sa.text("SELECT action FROM audit_events WHERE entity_type = 'feed_source' ORDER BY seq")
    ).scalars()
    assert list(events) == ["feed_source.add", "feed_source.rotate", "feed_source.revoke"]


def test_pull_of_a_pension_start_file_stops_only_unemployment_benefit(
    db_url, session, engine, make_person, tmp_path
):
    """A pension-start file dropped by the pension roll (004_435b6c8e4ae08301.txt, part 4: 比对养老保险
    待遇领取人员信息)."""
    from api.beneficiaries.models import Entitlement
    from shared.enums import BenefitType, PaymentState, StopReason

    person = make_person(name="卢国庆", benefits=(BenefitType.UNEMPLOYMENT,), entitled_since=agency_today())
    pensioner = make_person(name="卢国强")
    add_source(session, "yanglao-roll", ["pension_start"])
    kind_dir = tmp_path / "drop" / "yanglao-roll" / "pension_start"
    kind_dir.mkdir(parents=True)
    today = agency_today().isoformat()
    (kind_dir / "starts.csv").write_bytes(
        (
            f"id_number,name,event_date\n{person.id_number},卢国庆,{today}\n{pensioner.id_number},卢国强,{today}\n"
        ).encode()
    )
    assert _pull(db_url, tmp_path / "drop") == 0
    [done_report] = (kind_dir / "done").glob("*.report.json")
    report = json.loads(done_report.read_text(encoding="utf-8"))
    assert report["applied_rows"] == [2]
    assert [(r["row"], r["code"]) for r in report["refused_rows"]] == [(3, "not_applicable")]
    session.expire_all()
    states = {
        e.beneficiary_id: (e.payment_state, e.stopped_reason)
        for e in session.execute(
            sa.select(Entitlement).where(Entitlement.beneficiary_id.in_([person.id, pensioner.id]))
        ).scalars()
    }
    assert states == {
        person.id: (PaymentState.STOPPED, StopReason.PENSION_STARTED),
        pensioner.id: (PaymentState.ACTIVE, None),
    }
