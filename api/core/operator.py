"""Who runs a certification or any other recorded action: the person themself, a family helper or a staff
member. One representation everywhere: ``Operator.actor`` is the audit trail's actor text."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OperatorKind(StrEnum):
    SELF = "self"
    HELPER = "helper"
    STAFF = "staff"
    UNIT = "unit"  # an institution (batch attestation by its unit admin); account_id is the institution
    FEED = "feed"  # a data-comparison feed recorded the certification; account_id is the feed run


@dataclass(frozen=True, slots=True)
class Operator:
    kind: OperatorKind
    account_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", OperatorKind(self.kind))  # rows store the kind as text

    @property
    def actor(self) -> str:
        return "self" if self.account_id is None else f"{self.kind.value}:{self.account_id}"


SELF = Operator(OperatorKind.SELF)


def operator_of(kind: str, account_id: int) -> Operator:
    """The operator for a signed-in principal (``kind`` is a PrincipalKind value: helper or staff)."""
    return Operator(OperatorKind(kind), account_id)
