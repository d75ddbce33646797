"""The same-session live check of a reference face a staff member just added (the reference-face rule,
api/certification/reference_rule.py): the staff member's next face challenge for the person, within the
live-check window, is decided against the new reference; when the person already has references the live
face must match those too, or the certification goes to an officer's review and the reference keeps
waiting (a new face that matches nothing the person had is exactly what a second pair of eyes is for)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from api.certification import reference_rule
from api.challenges.models import ChallengePurpose
from api.challenges.types import Claim
from api.core.context import CertContext
from api.core.db import session_scope, utcnow
from api.core.operator import OperatorKind
from face.engine import FaceEngine
from face.types import Decision, FaceInputError, Outcome, ReasonCode, Template, TimedFrame

NOT_LIKE_BEFORE = (
    "The live face check did not confirm the new reference photo, or it does not match the person's "
    "earlier photo: an officer will review the certification and the new photo."
)


def pending(ctx: CertContext, claim: Claim) -> list[tuple[int, Template]]:
    """(reference id, template) of the references this claim's staff member added for the person within the
    live-check window and that still wait; empty for any other challenge."""
    operator = claim.operator
    if (
        claim.purpose is not ChallengePurpose.STAFF_ONSITE
        or operator.kind is not OperatorKind.STAFF
        or operator.account_id is None
    ):
        return []
    with session_scope(ctx.sessions) as session:
        rows = reference_rule.pending_for_live_check(
            session,
            beneficiary_id=claim.beneficiary_id,
            staff_id=operator.account_id,
            now=utcnow(),
            minutes=ctx.cert.reference_live_check_minutes,
        )
        return [(r.id, Template(tuple(r.template or ()), r.model_name or "", r.detector or "")) for r in rows]


def decide(
    ctx: CertContext,
    claim: Claim,
    frames: Sequence[TimedFrame],
    new: list[tuple[int, Template]],
    earlier: list[Template],
) -> tuple[Decision, tuple[int, ...]]:
    """The decision against the new references, and the ids of those the live face matches one by one
    (confirmed when the certification is recorded). Needs review, confirming nothing, when the live face
    matches none of them on its own or does not match the person's earlier references."""
    decision = ctx.engines.run(lambda engine: engine.decide(claim.actions, frames, [t for _, t in new]))
    if decision.outcome is not Outcome.PASSED or decision.best_frame is None:
        return decision, ()
    picture = frames[decision.best_frame].data

    def check(engine: FaceEngine) -> tuple[tuple[int, ...], bool]:
        if len(new) == 1 and not earlier:  # the decision compared the live face with this one reference
            return (new[0][0],), True
        probe = engine.template(picture)
        matching = tuple(i for i, t in new if engine.verify_template([t], probe).match)
        like_before = not earlier or engine.verify_template(earlier, probe).match
        return matching, like_before

    try:
        matching, like_before = ctx.engines.run(check)
    except FaceInputError:
        matching, like_before = (), False
    if not matching or not like_before:
        review = replace(decision, outcome=Outcome.NEEDS_REVIEW, reason=ReasonCode.FACE_MISMATCH)
        return replace(review, message=NOT_LIKE_BEFORE), ()
    return decision, matching
