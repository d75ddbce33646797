"""``lifecert spotcheck draw HALF_YEAR REGION [--townships 2 --villages 2 --per-village 5]
[--as-staff USERNAME]`` (an admin account: the region must lie in its own)."""

from __future__ import annotations

import argparse
import sys


def cmd_spotcheck_draw(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    import api.models  # noqa: F401  (every model registered: foreign keys resolve)
    from api.auth import acting
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.core.errors import ApiError
    from api.core.settings import settings_for_command
    from api.spotchecks import service
    from shared.backoffice_schemas import SpotCheckCreate
    from shared.enums import StaffRole

    try:
        spec = SpotCheckCreate(
            half_year=args.half_year,
            region_code=args.region,
            townships=args.townships,
            villages_per_township=args.villages,
            per_village=args.per_village,
        )
    except ValidationError as exc:
        print(f"error: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    engine = make_engine(settings_for_command(args).database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            who = acting.resolve(session, args.as_staff, roles={StaffRole.ADMIN}, system_actor=args.actor)
            check = service.draw(session, spec, actor=who.actor, scope=who.scope)
            public = service.public(session, check, scope=who.scope)
    except acting.ActingStaffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ApiError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(
        f"spot check {public.id} for {public.half_year} in {public.region_code} (seed {public.seed[:12]}…): "
        f"townships {', '.join(public.townships)}; villages {', '.join(public.villages)}; "
        f"{len(public.items)} certifications to re-verify"
    )
    for item in public.items:
        print(
            f"  {item.village_code}  {item.holder_name}  {item.holder_id}  {item.method}  {item.certified_on}"
        )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from api.auth.acting import add_argument

    spot = sub.add_parser("spotcheck", help="half-yearly spot checks").add_subparsers(
        dest="spotcheck_command", metavar="ACTION"
    )
    spot.required = True
    p = spot.add_parser("draw", help="draw the reproducible sample (the same inputs give the same sample)")
    p.add_argument("half_year", help="YYYY-H1 or YYYY-H2")
    p.add_argument("region", help="county (or city) region code")
    p.add_argument("--townships", type=int, default=2)
    p.add_argument("--villages", type=int, default=2, help="villages per township")
    p.add_argument("--per-village", type=int, default=5)
    p.add_argument("--actor", default="system:spotcheck")
    add_argument(p)
    p.set_defaults(func=cmd_spotcheck_draw)
