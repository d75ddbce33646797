"""The one place an entitlement's payment state changes: :func:`transition` with a ``match`` over
(old, new) states, and an audit event for every change in the caller's transaction.

Allowed moves (anything else raises :class:`TransitionError` and changes nothing):

* active → suspended (from a month, with a :class:`SuspensionReason`): missed certification (monthly
  cycle run), detention record. The reason is stored on the entitlement (``suspension_reason``).
* suspended → suspended: the suspension month moves only *earlier* (a detention found after a
  cycle suspension); a later month would silently pay months nobody certified, so it is refused. A
  detention also takes over the reason of an earlier suspension (the month stays): detention outranks a
  missed certification, never the other way round.
* suspended → active: resumption after a late certification (the caller records the back pay) — but a
  detention suspension is lifted only with ``release=True`` (a release record or a reviewer's decision);
  a certification alone is refused (:class:`HeldByDetention`).
* active | suspended → stopped (from a month, with a reason): death, end of a survivor entitlement, end of
  an unemployment benefit (its benefit period ran out, or a comparison feed ended it).
* stopped → anything: refused; a stop is final (a wrong death record is corrected by an admin in
  the roster, not by a feed).

:func:`apply` makes the change in memory and returns the :class:`Change` (before/after snapshots);
:func:`transition` does that and writes the audit event. Bulk jobs (a million-row feed) call
:func:`apply` and append the events in one batch with :func:`api.comparison.bulk_audit.append_many`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api import audit
from api.beneficiaries.models import Entitlement
from shared.enums import PaymentState, StopReason, SuspensionReason
from shared.months import YearMonth


class TransitionError(ValueError):
    """A payment-state change the rules do not allow (message is clerk-readable)."""


class HeldByDetention(TransitionError):
    """A detention suspension cannot be lifted by a certification: it needs a release record or a reviewer."""


# Which reason wins when a suspension is suspended again: higher rank stays.
_RANK = {None: 0, SuspensionReason.MISSED_CERTIFICATION: 1, SuspensionReason.DETENTION: 2}


def held_by_detention(ent: Entitlement) -> bool:
    """True when ``ent`` is suspended for a detention: a certification must not resume it."""
    return ent.payment_state is PaymentState.SUSPENDED and ent.suspension_reason is SuspensionReason.DETENTION


@dataclass(frozen=True, slots=True)
class Change:
    entitlement_id: int
    action: str  # audit action: entitlement.suspend | entitlement.resume | entitlement.stop
    before: dict[str, Any]
    after: dict[str, Any]


def _snapshot(ent: Entitlement) -> dict[str, Any]:
    return {
        "payment_state": ent.payment_state,
        "suspended_since": ent.suspended_since,
        "suspension_reason": ent.suspension_reason,
        "stopped_reason": ent.stopped_reason,
        "stopped_from": ent.stopped_from,
    }


def apply(
    ent: Entitlement,
    new: PaymentState,
    *,
    month: YearMonth | None = None,
    stop_reason: StopReason | None = None,
    suspension_reason: SuspensionReason | None = None,
    release: bool = False,
) -> Change:
    """Change ``ent``'s payment state to ``new`` (in memory); raise TransitionError when not allowed.

    ``month``: the month a suspension or stop takes effect from (required for those two).
    ``suspension_reason``: why (required to suspend). ``release``: the resumption lifts a detention
    (a release record or a reviewer's decision), not merely a certification.
    """
    old = ent.payment_state
    before = _snapshot(ent)
    match (old, new):
        case (PaymentState.ACTIVE, PaymentState.SUSPENDED):
            _need_month(month, "suspend")
            reason = _need_reason(suspension_reason)
            ent.payment_state = PaymentState.SUSPENDED
            ent.suspended_since = month
            ent.suspension_reason = reason
            action = "entitlement.suspend"
        case (PaymentState.SUSPENDED, PaymentState.SUSPENDED):
            month = _need_month(month, "suspend")
            reason = _need_reason(suspension_reason)
            current = ent.suspended_since
            stronger = _RANK[reason] > _RANK[ent.suspension_reason]
            earlier = current is None or month < current
            if not (earlier or stronger):
                raise TransitionError(
                    f"entitlement {ent.id} is already suspended since {current}; a suspension can only "
                    "be moved to an earlier month"
                )
            if earlier:
                ent.suspended_since = month
            if stronger:
                ent.suspension_reason = reason
            action = "entitlement.suspend"
        case (PaymentState.SUSPENDED, PaymentState.ACTIVE):
            if ent.suspension_reason is SuspensionReason.DETENTION and not release:
                raise HeldByDetention(
                    f"entitlement {ent.id} is suspended for a detention since {ent.suspended_since}: a "
                    "certification does not lift it; it needs a release record or a reviewer"
                )
            ent.payment_state = PaymentState.ACTIVE
            ent.suspended_since = None
            ent.suspension_reason = None
            action = "entitlement.resume"
        case (PaymentState.ACTIVE | PaymentState.SUSPENDED, PaymentState.STOPPED):
            _need_month(month, "stop")
            if stop_reason is None:
                raise TransitionError("a stop needs a reason")
            ent.payment_state = PaymentState.STOPPED
            ent.suspension_reason = None
            ent.stopped_reason = StopReason(stop_reason)
            ent.stopped_from = month
            action = "entitlement.stop"
        case (PaymentState.STOPPED, _):
            raise TransitionError(f"entitlement {ent.id} is stopped ({ent.stopped_reason}); a stop is final")
        case (PaymentState.ACTIVE, PaymentState.ACTIVE):
            raise TransitionError(f"entitlement {ent.id} is already active")
        case _:
            raise TransitionError(f"entitlement {ent.id}: no transition from {old} to {new}")
    return Change(ent.id, action, before, _snapshot(ent))


def _need_month(month: YearMonth | None, what: str) -> YearMonth:
    if not isinstance(month, YearMonth):
        raise TransitionError(f"to {what} a payment, say from which month (YYYY-MM)")
    return month


def _need_reason(reason: SuspensionReason | None) -> SuspensionReason:
    if reason is None:
        raise TransitionError("to suspend a payment, say why (missed certification or detention)")
    return SuspensionReason(reason)


def transition(
    session: Session,
    ent: Entitlement,
    new: PaymentState,
    *,
    actor: str,
    reason: str,
    month: YearMonth | None = None,
    stop_reason: StopReason | None = None,
    suspension_reason: SuspensionReason | None = None,
    release: bool = False,
    extra: dict[str, Any] | None = None,
) -> Change:
    """:func:`apply` plus its audit event, in the caller's transaction."""
    change = apply(
        ent, new, month=month, stop_reason=stop_reason, suspension_reason=suspension_reason, release=release
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=change.action,
        entity_type="entitlement",
        entity_id=ent.id,
        before=change.before,
        after={**change.after, **(extra or {})},
        reason=reason,
    )
    return change
