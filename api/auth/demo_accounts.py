"""The local demo's staff accounts (``lifecert demo``) and the rule that keeps them out of production: in
production no account named ``demo-…`` and no one typing the demo password signs in, and the API refuses to
start while such accounts exist (:func:`demo_accounts_present`)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.auth.models import StaffUser

DEMO_USERNAME_PREFIX = "demo-"
DEMO_STAFF_PASSWORD = "lifecert-demo"


def is_demo_sign_in(username: str, password: str) -> bool:
    return username.casefold().startswith(DEMO_USERNAME_PREFIX) or password == DEMO_STAFF_PASSWORD


def demo_accounts_present(session: Session) -> list[str]:
    """User names of active demo staff accounts in the database."""
    return list(
        session.execute(
            sa.select(StaffUser.username).where(
                sa.func.lower(StaffUser.username).like(f"{DEMO_USERNAME_PREFIX}%"), StaffUser.active.is_(True)
            )
        ).scalars()
    )
