"""Recovering an overpayment (追缴): the states of a recovery case and the steps allowed between them.

Pure rules, used by the API (which refuses any other step with 409 ``recovery_step_not_allowed``) and by
the staff app (which offers only the allowed steps)::

    open → notified → agreed ──(ledger reaches the amount)──→ repaid
                  ╰──→ refused ⇄ agreed
                        refused → credit_listed → court_referred
                        refused → court_referred

* ``notified``: the heirs (or the person) were told in writing what was overpaid (送达告知书, 上门催退).
* ``agreed``: they agreed to repay, in instalments or by a deduction from amounts withheld or back pay
  (协助退扣).
* ``refused``: they refused to repay (or stopped paying what they agreed).
* ``credit_listed``: reported to the public credit platform's list of serious breaches of trust. Policy
  000_c56d17e22ccc8830.txt: "冒领金额累计超过3千元以上，追缴拒不退还的 … 列入严重失信行为责任人名单" —
  only a case that was refused and whose overpaid amount totals 3,000 yuan or more
  (:func:`may_credit_list`; the threshold is inclusive, as the service has always counted it).
* ``court_referred``: handed to the judicial authorities (移送司法机关), after a refusal or a listing.
* ``repaid``: never chosen by hand — the case moves there when its ledger reaches the overpaid amount.
"""

from __future__ import annotations

from enum import StrEnum


class RecoveryState(StrEnum):
    OPEN = "open"
    NOTIFIED = "notified"
    AGREED = "agreed"
    REFUSED = "refused"
    CREDIT_LISTED = "credit_listed"
    COURT_REFERRED = "court_referred"
    REPAID = "repaid"


class Agreement(StrEnum):
    """How the heirs agreed to repay."""

    INSTALMENTS = "instalments"
    DEDUCTION = "deduction"  # from amounts withheld or back pay still due


class RepaymentKind(StrEnum):
    """A ledger entry: money that came back."""

    PAYMENT = "payment"  # paid in one go
    INSTALMENT = "instalment"
    DEDUCTION = "deduction"  # deducted from withheld amounts or back pay


CREDIT_LIST_THRESHOLD_CENTS = 300_000  # 3,000 yuan (policy 000_c56d17e22ccc8830.txt)

S = RecoveryState
STEPS: dict[RecoveryState, frozenset[RecoveryState]] = {
    S.OPEN: frozenset({S.NOTIFIED}),
    S.NOTIFIED: frozenset({S.AGREED, S.REFUSED}),
    S.AGREED: frozenset({S.REFUSED}),
    S.REFUSED: frozenset({S.AGREED, S.CREDIT_LISTED, S.COURT_REFERRED}),
    S.CREDIT_LISTED: frozenset({S.COURT_REFERRED}),
    S.COURT_REFERRED: frozenset(),
    S.REPAID: frozenset(),
}
# Where a repayment may still be recorded (money can come back at any point until the case is repaid).
TAKES_REPAYMENTS = frozenset(set(RecoveryState) - {S.REPAID})


def next_steps(state: RecoveryState) -> tuple[RecoveryState, ...]:
    """The states a clerk may move a case in ``state`` to, in a fixed order."""
    return tuple(s for s in RecoveryState if s in STEPS[state])


def step_allowed(current: RecoveryState, target: RecoveryState) -> bool:
    return target in STEPS[current]


def may_credit_list(*, state: RecoveryState, amount_cents: int, outstanding_cents: int) -> bool:
    """Whether a case may go on the credit list: refused, money still owed, and an overpaid total of at
    least 3,000 yuan."""
    return state is S.REFUSED and outstanding_cents > 0 and amount_cents >= CREDIT_LIST_THRESHOLD_CENTS


def outstanding(amount_cents: int, repaid_cents: list[int] | tuple[int, ...]) -> int:
    """What is still owed: the overpaid amount less every ledger entry (never below zero)."""
    return max(0, amount_cents - sum(repaid_cents))


def yuan(cents: int) -> str:
    """``1250200`` → ``"12,502.00"`` (how the screens and documents write an amount)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d}"


def parse_yuan(text: str) -> int | None:
    """What a clerk typed in yuan (``"500"``, ``"1,250.5"``, ``"3125.50"``) in cents; None when it is not
    an amount of at most two decimals."""
    cleaned = text.strip().replace(",", "").replace("，", "").replace("元", "").replace("¥", "").strip()
    whole, dot, part = cleaned.partition(".")
    if not whole.isdigit() or not whole.isascii() or (dot and not (part.isdigit() and len(part) <= 2)):
        return None
    if len(whole) > 15:
        return None
    return int(whole) * 100 + (int(part.ljust(2, "0")) if dot else 0)
