"""Certification policy: which cycle applies to whom, and which levels sign an attestation.

The agency edits one TOML file (``api/policy.toml``); the service reads the file and hands its text to
:func:`parse_policy` (this module does no I/O). The file has a ``[default]`` table and any number of
``[[rule]]`` tables::

    [default]
    cycle = "annual_birthday"          # or "fixed_months"
    remind_days_before = 30
    attestation_signoffs = ["village", "township", "county"]
    home_visit_age = 80                # from this age people are visited at home by default

    [[rule]]                           # every region, one benefit type
    benefit = "work_injury"
    cycle = "fixed_months"
    months = 3

    [[rule]]                           # one region (and every region below it), all benefit types
    region = "330106"
    cycle = "fixed_months"
    months = 6

How :meth:`PolicyTable.policy_for` chooses (``region_codes`` is the person's region path, province first,
village last):

1. The rule for the most specific region in the path wins (a village rule beats a county rule, a county rule
   beats a rule without a region).
2. For the same region, a rule naming the person's benefit type beats a rule without ``benefit``.
3. Nothing matches → the ``[default]`` cycle; a file without ``[default]`` cycle → annual, birthday-based.

So a region rule without ``benefit`` also overrides the national ``work_injury`` rule for that region; add a
rule with both ``region`` and ``benefit`` to keep a different cycle for one benefit type there.

``remind_days_before`` missing from a rule is taken from ``[default]`` (30 when absent there too).
``home_visit_age`` (``[default]`` only, 60 to 120, default 80): people of this age or older are on the
coordinators' work list from the first day of their window and visited at home by default (Foshan
guidance, ``001_58d305678a1f47a1.txt``: 80+ and disabled people are visited).

``attestation_signoffs`` is the sign-off chain of a neighbour/coordinator attestation: region levels
(``village``, ``township``, ``county``, ``city``, ``province``) in signing order, from the lowest level up.
Each level is signed by a staff account of that level whose region contains the person (the village's
coordinator, the township's staff, the county's staff). It may be set in ``[default]`` and in any rule,
and is chosen like a cycle (most specific region, then benefit type, then ``[default]``) for each benefit
the person receives; :meth:`PolicyTable.signoffs_for` joins the chains of their benefits, lowest level first.

``death_report_village_day``, ``death_report_unit_day``, ``death_report_county_day`` (``[default]`` only,
days 1 to 28, defaults 3, 4, 5, not decreasing): the day of the month after a reported month by which the
monthly death reports are due — village coordinators; institutions' unit admins and townships (which
consolidate their villages); counties (which consolidate townships and institutions). Calendar days.

``office_phone`` — the number people call to certify at the office or to ask for a home visit (the citizens'
"other ways" screen): set in ``[default]`` (the national social-insurance hotline ``12333`` when absent) and
in rules with a ``region`` (no ``benefit``); the most specific region on the person's path wins.

Cycle kinds: ``annual_birthday`` — one window a year from the birthday month (``months`` must be 12 or
absent); ``fixed_months`` — calendar-aligned blocks of ``months`` = 12 (Jan–Dec), 6 (Jan–Jun, Jul–Dec) or 3
(quarters). The windows themselves are computed in :mod:`shared.cycle`.

Every mistake in the file raises :class:`PolicyError` naming the rule and the key, so a clerk can fix it.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeGuard, get_args

from shared.emergency import MAX_EXTEND_MONTHS, Emergency
from shared.enums import BenefitType, RegionLevel
from shared.months import YearMonth

__all__ = [
    "ANNUAL_BIRTHDAY",
    "DEFAULT_HOME_VISIT_AGE",
    "DEFAULT_REMIND_DAYS",
    "DEFAULT_SIGNOFFS",
    "SIGNOFF_LEVELS",
    "CycleKind",
    "CyclePolicy",
    "PolicyError",
    "PolicyRule",
    "PolicyTable",
    "parse_policy",
]

CycleKind = Literal["annual_birthday", "fixed_months"]
CYCLE_KINDS: tuple[str, ...] = get_args(CycleKind)
FIXED_MONTHS = (3, 6, 12)
DEFAULT_REMIND_DAYS = 30
MAX_REMIND_DAYS = 180
# Sign-off levels from the lowest up (the order a chain is signed in).
SIGNOFF_LEVELS: tuple[str, ...] = tuple(reversed([level.value for level in RegionLevel]))
DEFAULT_SIGNOFFS: tuple[str, ...] = ("village", "township", "county")
DEFAULT_HOME_VISIT_AGE = 80
DEFAULT_OFFICE_PHONE = "12333"  # the national human-resources and social-security hotline
HOME_VISIT_AGE_RANGE = (60, 120)

_COMMON_KEYS = frozenset(
    {"cycle", "months", "remind_days_before", "attestation_signoffs", "note", "office_phone"}
)
# Monthly death reports (policy 000: "by the 3rd/5th"): the day of the month after the reported month by
# which village coordinators, then institutions' unit admins and townships, then counties report.
DEATH_REPORT_DAY_KEYS = ("death_report_village_day", "death_report_unit_day", "death_report_county_day")
DEFAULT_DEATH_REPORT_DAYS = (3, 4, 5)
DEATH_REPORT_DAY_RANGE = (1, 28)
_DEFAULT_KEYS = _COMMON_KEYS | {"home_visit_age", *DEATH_REPORT_DAY_KEYS}
_RULE_KEYS = _COMMON_KEYS | {"region", "benefit", "name"}
_CYCLE_KEYS = frozenset({"cycle", "months", "remind_days_before"})


class PolicyError(ValueError):
    """The policy file cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class CyclePolicy:
    """How often one person must certify."""

    kind: CycleKind = "annual_birthday"
    months: int = 12
    remind_days_before: int = DEFAULT_REMIND_DAYS

    def __post_init__(self) -> None:
        if self.kind not in CYCLE_KINDS:
            raise ValueError(f"cycle must be one of {', '.join(CYCLE_KINDS)}, got {self.kind!r}")
        if self.kind == "annual_birthday" and self.months != 12:
            raise ValueError(f"an annual_birthday cycle is 12 months long, got months = {self.months}")
        if self.kind == "fixed_months" and self.months not in FIXED_MONTHS:
            raise ValueError(f"months must be 3, 6 or 12 for a fixed_months cycle, got {self.months}")
        if not 0 <= self.remind_days_before <= MAX_REMIND_DAYS:
            raise ValueError(
                f"remind_days_before must be 0 to {MAX_REMIND_DAYS}, got {self.remind_days_before}"
            )


ANNUAL_BIRTHDAY = CyclePolicy()


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """One ``[[rule]]`` of the file; ``region``/``benefit`` None means "any"."""

    region: str | None
    benefit: BenefitType | None
    cycle: CyclePolicy | None  # None: the rule only sets attestation_signoffs
    attestation_signoffs: tuple[str, ...] | None = None  # region levels, lowest first
    name: str = ""
    office_phone: str | None = None  # the region's office number (rules with a region only)


@dataclass(frozen=True, slots=True)
class PolicyTable:
    """The parsed policy file. ``PolicyTable()`` is the built-in default (annual, birthday-based)."""

    default: CyclePolicy = ANNUAL_BIRTHDAY
    default_signoffs: tuple[str, ...] = DEFAULT_SIGNOFFS
    rules: tuple[PolicyRule, ...] = ()
    home_visit_age: int = DEFAULT_HOME_VISIT_AGE  # from this age: visited at home by default
    emergencies: tuple[Emergency, ...] = ()  # [[emergency]] periods (shared/emergency.py)
    office_phone: str = DEFAULT_OFFICE_PHONE  # [default]'s office number
    # (village, unit/township, county) day of the following month a monthly death report is due
    death_report_days: tuple[int, int, int] = DEFAULT_DEATH_REPORT_DAYS
    _cycles: Mapping[tuple[str | None, BenefitType | None], CyclePolicy] = field(
        init=False, repr=False, compare=False
    )
    _signoffs: Mapping[tuple[str | None, BenefitType | None], tuple[str, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        cycles: dict[tuple[str | None, BenefitType | None], CyclePolicy] = {}
        signoffs: dict[tuple[str | None, BenefitType | None], tuple[str, ...]] = {}
        for rule in self.rules:
            if rule.cycle is not None:
                cycles[(rule.region, rule.benefit)] = rule.cycle
            if rule.attestation_signoffs is not None:
                signoffs[(rule.region, rule.benefit)] = rule.attestation_signoffs
        object.__setattr__(self, "_cycles", cycles)
        object.__setattr__(self, "_signoffs", signoffs)

    def policy_for(self, region_codes: Sequence[str], benefit_type: BenefitType) -> CyclePolicy:
        """The cycle for a person in ``region_codes`` (province … village) receiving ``benefit_type``."""
        benefit = BenefitType(benefit_type)
        for region in [*reversed(region_codes), None]:
            for key in ((region, benefit), (region, None)):
                found = self._cycles.get(key)
                if found is not None:
                    return found
        return self.default

    def office_phone_for(self, region_codes: Sequence[str]) -> str:
        """The number to call for a person in ``region_codes``: the most specific region rule's, else
        ``[default]``'s."""
        phones = {r.region: r.office_phone for r in self.rules if r.region and r.office_phone}
        for region in reversed(region_codes):
            if region in phones:
                return phones[region]
        return self.office_phone

    def signoffs_for(
        self, region_codes: Sequence[str], benefit_types: Iterable[BenefitType] = ()
    ) -> tuple[str, ...]:
        """The region levels that sign an attestation for a person in ``region_codes`` receiving
        ``benefit_types``, lowest level first (the union of each benefit's chain; with no benefit given,
        the chain of rules without ``benefit``)."""
        benefits: list[BenefitType | None] = [BenefitType(b) for b in benefit_types] or [None]
        levels: set[str] = set()
        for benefit in benefits:
            levels.update(self._chain_for(region_codes, benefit))
        return tuple(level for level in SIGNOFF_LEVELS if level in levels)

    def _chain_for(self, region_codes: Sequence[str], benefit: BenefitType | None) -> tuple[str, ...]:
        for region in [*reversed(region_codes), None]:
            keys = ((region, benefit), (region, None)) if benefit is not None else ((region, None),)
            for key in keys:
                found = self._signoffs.get(key)
                if found is not None:
                    return found
        return self.default_signoffs


def parse_policy(text: str) -> PolicyTable:
    """Parse the agency's TOML policy file. Raises :class:`PolicyError` with a clerk-readable message."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"policy file is not valid TOML: {exc}") from None

    unknown = set(doc) - {"default", "rule", "emergency"}
    if unknown:
        raise PolicyError(
            f"policy file: unknown section(s) {_names(unknown)}; only [default], [[rule]] and [[emergency]] "
            "are allowed"
        )

    raw_default = doc.get("default", {})
    if not isinstance(raw_default, dict):
        raise PolicyError("policy file: 'default' must be a table written as [default]")
    _check_keys(raw_default, _DEFAULT_KEYS, "[default]")
    default_remind = _remind_days(raw_default, "[default]", DEFAULT_REMIND_DAYS)
    if "cycle" in raw_default or "months" in raw_default:
        default = _cycle(raw_default, "[default]", default_remind)
    else:
        default = CyclePolicy(remind_days_before=default_remind)
    default_signoffs = _signoffs(raw_default, "[default]") or DEFAULT_SIGNOFFS
    home_visit_age = _home_visit_age(raw_default)
    office_phone = _office_phone(raw_default, "[default]") or DEFAULT_OFFICE_PHONE
    death_report_days = _death_report_days(raw_default)

    raw_rules = doc.get("rule", [])
    if not isinstance(raw_rules, list):
        raise PolicyError("policy file: rules must be written as [[rule]] tables")
    rules: list[PolicyRule] = []
    seen_cycle: dict[tuple[str | None, BenefitType | None], int] = {}
    seen_signoffs: dict[tuple[str | None, BenefitType | None], int] = {}
    for index, raw in enumerate(raw_rules, start=1):
        rule = _rule(raw, index, default_remind)
        where = _where(index, rule.region, rule.benefit)
        if rule.cycle is not None:
            key = (rule.region, rule.benefit)
            if key in seen_cycle:
                raise PolicyError(
                    f"{where}: the same region and benefit already have a cycle in rule {seen_cycle[key]}"
                )
            seen_cycle[key] = index
        if rule.attestation_signoffs is not None:
            key = (rule.region, rule.benefit)
            if key in seen_signoffs:
                raise PolicyError(
                    f"{where}: attestation_signoffs for the same region and benefit are already set in rule "
                    f"{seen_signoffs[key]}"
                )
            seen_signoffs[key] = index
        rules.append(rule)
    raw_emergencies = doc.get("emergency", [])
    if not isinstance(raw_emergencies, list):
        raise PolicyError("policy file: emergency periods must be written as [[emergency]] tables")
    emergencies = tuple(_emergency(raw, index) for index, raw in enumerate(raw_emergencies, start=1))
    return PolicyTable(
        default=default,
        default_signoffs=default_signoffs,
        rules=tuple(rules),
        home_visit_age=home_visit_age,
        emergencies=emergencies,
        office_phone=office_phone,
        death_report_days=death_report_days,
    )


_EMERGENCY_KEYS = frozenset({"name", "from", "until", "regions", "extend_months", "note"})


def _emergency(raw: Any, index: int) -> Emergency:
    where = f"emergency {index}"
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: must be a table written as [[emergency]]")
    _check_keys(raw, _EMERGENCY_KEYS, where)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise PolicyError(f'{where}: needs a name in quotes, e.g. name = "2020 epidemic"')
    where = f"emergency {index} ({name.strip()})"
    months: dict[str, YearMonth] = {}
    for key in ("from", "until"):
        value = raw.get(key)
        try:
            months[key] = YearMonth.parse(str(value) if isinstance(value, str) else "")
        except ValueError:
            raise PolicyError(f'{where}: {key} must be a month in quotes, e.g. {key} = "2020-01"') from None
    regions = raw.get("regions", [])
    if not isinstance(regions, list) or not all(isinstance(r, str) and r.strip() for r in regions):
        raise PolicyError(f'{where}: regions must be a list of region codes in quotes, e.g. ["42", "4201"]')
    extend = raw.get("extend_months", 0)
    if not _is_int(extend) or not 0 <= extend <= MAX_EXTEND_MONTHS:
        raise PolicyError(f"{where}: extend_months must be a whole number from 0 to {MAX_EXTEND_MONTHS}")
    try:
        return Emergency(
            name=name.strip(),
            start=months["from"],
            end=months["until"],
            regions=tuple(r.strip() for r in regions),
            extend_months=extend,
        )
    except ValueError as exc:
        raise PolicyError(f"{where}: {exc}") from None


def _rule(raw: Any, index: int, default_remind: int) -> PolicyRule:
    if not isinstance(raw, dict):
        raise PolicyError(f"rule {index}: must be a table written as [[rule]]")
    region = raw.get("region")
    if region is not None and (not isinstance(region, str) or not region.strip()):
        raise PolicyError(f'rule {index}: region must be a region code in quotes, e.g. region = "330106"')
    region = region.strip() if region is not None else None
    benefit = _benefit(raw.get("benefit"), index, region)
    where = _where(index, region, benefit)
    _check_keys(raw, _RULE_KEYS, where)
    name = raw.get("name", "")
    if not isinstance(name, str):
        raise PolicyError(f"{where}: name must be text in quotes")

    cycle: CyclePolicy | None = None
    if _CYCLE_KEYS & raw.keys():
        if "cycle" not in raw:
            raise PolicyError(f"{where}: says {_names(_CYCLE_KEYS & raw.keys())} but not which cycle")
        cycle = _cycle(raw, where, _remind_days(raw, where, default_remind))

    signoffs = _signoffs(raw, where)
    phone = _office_phone(raw, where)
    if phone is not None and (region is None or benefit is not None):
        raise PolicyError(f"{where}: office_phone belongs to a rule with a region and without a benefit")
    if cycle is None and signoffs is None and phone is None:
        raise PolicyError(f"{where}: sets neither a cycle nor attestation_signoffs nor office_phone")
    if region is None and benefit is None:
        raise PolicyError(
            f"{where}: names neither a region nor a benefit; put the national default in [default]"
        )
    return PolicyRule(
        region=region,
        benefit=benefit,
        cycle=cycle,
        attestation_signoffs=signoffs,
        name=name,
        office_phone=phone,
    )


def _office_phone(raw: Mapping[str, Any], where: str) -> str | None:
    """A phone number as people dial it: digits, with spaces or dashes between groups (``010-6512 3456``)."""
    value = raw.get("office_phone")
    if value is None:
        return None
    if (
        not isinstance(value, str)
        or not value.strip()
        or not all(c.isdigit() or c in " -" for c in value)
        or sum(c.isdigit() for c in value) < 5
    ):
        example = 'office_phone = "12333"'
        raise PolicyError(f"{where}: office_phone must be a phone number in quotes, e.g. {example}")
    return value.strip()


def _benefit(value: Any, index: int, region: str | None) -> BenefitType | None:
    if value is None:
        return None
    try:
        return BenefitType(value)
    except ValueError:
        valid = ", ".join(f'"{b.value}"' for b in BenefitType)
        raise PolicyError(
            f"{_where(index, region, None)}: unknown benefit {value!r}; use one of {valid}"
        ) from None


def _cycle(raw: Mapping[str, Any], where: str, remind: int) -> CyclePolicy:
    kind = raw.get("cycle")
    if kind not in CYCLE_KINDS:
        raise PolicyError(f'{where}: cycle must be "annual_birthday" or "fixed_months", got {kind!r}')
    months = raw.get("months", 12 if kind == "annual_birthday" else None)
    if months is None:
        raise PolicyError(f"{where}: a fixed_months cycle needs months = 3, 6 or 12")
    if not _is_int(months):
        raise PolicyError(f"{where}: months must be a whole number, got {months!r}")
    try:
        return CyclePolicy(kind=kind, months=months, remind_days_before=remind)
    except ValueError as exc:
        raise PolicyError(f"{where}: {exc}") from None


def _remind_days(raw: Mapping[str, Any], where: str, fallback: int) -> int:
    value = raw.get("remind_days_before", fallback)
    if not _is_int(value) or not 0 <= value <= MAX_REMIND_DAYS:
        raise PolicyError(
            f"{where}: remind_days_before must be a whole number from 0 to {MAX_REMIND_DAYS}, got {value!r}"
        )
    return value


def _home_visit_age(raw_default: Mapping[str, Any]) -> int:
    value = raw_default.get("home_visit_age", DEFAULT_HOME_VISIT_AGE)
    low, high = HOME_VISIT_AGE_RANGE
    if not _is_int(value) or not low <= value <= high:
        raise PolicyError(
            f"[default]: home_visit_age must be a whole number of years from {low} to {high}, got {value!r}"
        )
    return value


def _death_report_days(raw_default: Mapping[str, Any]) -> tuple[int, int, int]:
    low, high = DEATH_REPORT_DAY_RANGE
    days: list[int] = []
    for key, fallback in zip(DEATH_REPORT_DAY_KEYS, DEFAULT_DEATH_REPORT_DAYS, strict=True):
        value = raw_default.get(key, fallback)
        if not _is_int(value) or not low <= value <= high:
            raise PolicyError(
                f"[default]: {key} must be a day of the month from {low} to {high}, got {value!r}"
            )
        days.append(value)
    for (lower, lower_day), (upper, upper_day) in itertools.pairwise(
        zip(DEATH_REPORT_DAY_KEYS, days, strict=True)
    ):
        if lower_day > upper_day:
            raise PolicyError(
                f"[default]: {upper} ({upper_day}) must not be before {lower} ({lower_day}): each level "
                "consolidates the reports of the level below"
            )
    return days[0], days[1], days[2]


def _signoffs(raw: Mapping[str, Any], where: str) -> tuple[str, ...] | None:
    if "attestation_signoffs" not in raw:
        return None
    value = raw["attestation_signoffs"]
    if not isinstance(value, list) or not value:
        raise PolicyError(
            f'{where}: attestation_signoffs must be a non-empty list like ["village", "township", "county"]'
        )
    for level in value:
        if level not in SIGNOFF_LEVELS:
            raise PolicyError(
                f"{where}: attestation_signoffs: {level!r} is not a region level; use "
                + ", ".join(f'"{name}"' for name in SIGNOFF_LEVELS)
            )
    if len(set(value)) != len(value):
        raise PolicyError(f"{where}: attestation_signoffs lists a level twice")
    if list(value) != sorted(value, key=SIGNOFF_LEVELS.index):
        raise PolicyError(
            f"{where}: attestation_signoffs are signed from the lowest level up; write them in the order "
            + ", ".join(sorted(value, key=SIGNOFF_LEVELS.index))
        )
    return tuple(value)


def _check_keys(raw: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = set(raw) - allowed
    if unknown:
        raise PolicyError(f"{where}: unknown key(s) {_names(unknown)}; allowed: {_names(allowed)}")


def _where(index: int, region: str | None, benefit: BenefitType | None) -> str:
    parts = [f"region {region}"] if region else []
    if benefit:
        parts.append(f"benefit {benefit.value}")
    return f"rule {index}" + (f" ({', '.join(parts)})" if parts else "")


def _names(keys: set[str] | frozenset[str]) -> str:
    return ", ".join(sorted(keys))


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
