"""``lifecert disclosure VILLAGE HALF_YEAR [--pdf OUT.pdf] [--csv OUT.csv] [--as-staff USERNAME]``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from shared.cycle import agency_today


def cmd_disclosure(args: argparse.Namespace) -> int:
    import api.models  # noqa: F401  (every model registered: foreign keys resolve)
    from api.auth import acting
    from api.core.db import make_engine, make_sessionmaker
    from api.core.settings import settings_for_command
    from api.core.workdays import load_calendar
    from api.disclosure import service
    from api.disclosure.service import tipoff_url
    from shared.enums import StaffRole

    try:
        posting_from = date.fromisoformat(args.posting_from) if args.posting_from else agency_today()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = settings_for_command(args)
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            who = acting.resolve(
                session,
                args.as_staff,
                roles={StaffRole.COORDINATOR, StaffRole.REVIEWER, StaffRole.ADMIN},
                system_actor="system:disclosure",
            )
            d = service.build(
                session,
                village_code=args.village,
                half_year=args.half_year,
                posting_from=posting_from,
                working_days=args.working_days,
                tipoff_contact=args.tipoff,
                tipoff_url=tipoff_url(settings),
                scope=who.scope,
                calendar=load_calendar(settings.calendar_file),
            )
    except acting.ActingStaffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (LookupError, ValueError) as exc:
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    csv_path = Path(args.csv or f"disclosure-{args.village}-{args.half_year}.csv")
    csv_path.write_text(service.to_csv(d), encoding="utf-8-sig")
    written = [str(csv_path)]
    if args.pdf:
        try:
            Path(args.pdf).write_bytes(service.to_pdf(d))
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        written.append(args.pdf)
    print(
        f"{d.village_name} {d.half_year}: {len(d.rows)} people; posted {d.posting_from} to {d.posting_to}; "
        f"tip-offs: {d.tipoff_contact}; written: {', '.join(written)}"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from api.auth.acting import add_argument
    from api.disclosure.service import DEFAULT_TIPOFF, MIN_POSTING_DAYS

    p = sub.add_parser("disclosure", help="disclosure list of a village for a half year (CSV, optional PDF)")
    p.add_argument("village", help="village region code (12 digits)")
    p.add_argument("half_year", help="YYYY-H1 or YYYY-H2")
    p.add_argument("--posting-from", metavar="YYYY-MM-DD", help="first day posted (default today)")
    p.add_argument("--working-days", type=int, default=MIN_POSTING_DAYS, help=f"at least {MIN_POSTING_DAYS}")
    p.add_argument("--tipoff", default=DEFAULT_TIPOFF, help="contact for tip-offs (phone or office)")
    p.add_argument("--csv", metavar="PATH")
    p.add_argument("--pdf", metavar="PATH")
    add_argument(p)
    p.set_defaults(func=cmd_disclosure)
