"""What a database writer who is not the application can do to the audit trail: switch the append-only guard
off (an owner can drop triggers), rewrite rows and move chain heads — everything but know the audit key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from api import audit_guard


@contextmanager
def guard_off(session: Session, *, commit: bool = False) -> Iterator[Session]:
    """Inside: the triggers are gone for ``session``'s transaction. After: rolled back (or committed with
    ``commit=True``) and the guard re-armed, so the module's shared database keeps it."""
    audit_guard.disarm(session.connection())
    try:
        yield session
    finally:
        if commit:
            session.commit()
        else:
            session.rollback()
        with session.get_bind().begin() as conn:
            audit_guard.arm(conn)
