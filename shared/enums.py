"""Every enumeration that crosses the wire between app/ and api/ (values are the wire format)."""

from enum import StrEnum


class BenefitType(StrEnum):
    ENTERPRISE_PENSION = "enterprise_pension"  # 企业职工基本养老保险
    INSTITUTION_PENSION = "institution_pension"  # 机关事业单位养老保险
    RESIDENT_PENSION = "resident_pension"  # 城乡居民基本养老保险
    WORK_INJURY = "work_injury"  # 工伤保险长期待遇
    SURVIVOR = "survivor"  # 遗属待遇
    # 失业保险金: paid for a limited number of months (Entitlement.ends_after); stopped early by the
    # comparisons of the MoHRSS 2019 notice (004_435b6c8e4ae08301.txt): re-employment, business
    # registration, emigration, pension start
    UNEMPLOYMENT = "unemployment"


class PaymentState(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # since a month, resumable
    STOPPED = "stopped"  # final, with a reason (death, end of survivor or unemployment entitlement …)


class SuspensionReason(StrEnum):
    """Why an entitlement is suspended (NULL on older rows and roster imports: treated as missed)."""

    MISSED_CERTIFICATION = "missed_certification"  # lifted by a late certification (with back pay)
    DETENTION = "detention"  # lifted only by a release record or a reviewer, never by a certification


class StopReason(StrEnum):
    DECEASED = "deceased"
    SURVIVOR_ENDED = "survivor_ended"
    # unemployment benefit (004_435b6c8e4ae08301.txt): the benefit period ran out, or a comparison found
    # the person re-employed, running a registered business, settled abroad or drawing a pension
    BENEFIT_PERIOD_ENDED = "benefit_period_ended"
    REEMPLOYED = "reemployed"
    BUSINESS_REGISTERED = "business_registered"
    EMIGRATED = "emigrated"
    PENSION_STARTED = "pension_started"
    OTHER = "other"


class CertificationMethod(StrEnum):
    SELF_FACE = "self_face"
    FAMILY_FACE = "family_face"
    ATTESTATION = "attestation"  # neighbour / coordinator, multi-level sign-off
    STAFF_ONSITE = "staff_onsite"
    DATA_COMPARISON = "data_comparison"
    OVERSEAS_DOCUMENT = "overseas_document"
    MANUAL_REVIEW = "manual_review"  # evidence an officer approved after repeated failed face checks
    HOME_VISIT = "home_visit"  # a coordinator's home-visit record (no face check possible), reviewed


class CertificationResult(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"
    # only in a frame submission's answer, never recorded: the device sent too few usable pictures, the
    # person tries again and it does not count as a failed attempt
    RETRY = "retry"


class CycleState(StrEnum):
    CERTIFIED = "certified"  # certified for the current window
    DUE = "due"  # window open, not yet certified
    OVERDUE = "overdue"  # a past window closed uncertified; suspension starts next month
    SUSPENDED = "suspended"  # payment suspended for missing certification
    STOPPED = "stopped"


class ResidenceKind(StrEnum):
    DOMESTIC = "domestic"
    OVERSEAS = "overseas"


class ReferenceSource(StrEnum):
    ID_PHOTO = "id_photo"
    ONSITE_ENROLMENT = "onsite_enrolment"
    REFRESHED = "refreshed"  # from a passed certification, with consent


class StaffRole(StrEnum):
    COORDINATOR = "coordinator"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    UNIT_ADMIN = "unit_admin"  # an institution's administrator: sees only its own retirees


class RegionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


class ChallengeAction(StrEnum):
    BLINK = "blink"
    OPEN_MOUTH = "open_mouth"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"


class SpecialGroup(StrEnum):
    """Why a person is visited at home by default (policy 001_58d305678a1f47a1.txt: 80+ and disabled)."""

    AGED = "aged"  # at or over the policy's home_visit_age
    SEVERELY_DISABLED = "severely_disabled"
    BEDRIDDEN = "bedridden"
    LIVES_ALONE = "lives_alone"


class VisitState(StrEnum):
    """A home-visit request: requested → scheduled → done | could_not_reach (api.worklist.visits)."""

    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    DONE = "done"
    COULD_NOT_REACH = "could_not_reach"


class VisitRequestReason(StrEnum):
    """Why a visit is asked for (chosen from a list in the app)."""

    ELDERLY = "elderly"
    BEDRIDDEN = "bedridden"
    DISABLED = "disabled"
    NO_SMARTPHONE = "no_smartphone"
    FACE_CHECK_FAILED = "face_check_failed"
    OTHER = "other"


class VisitRecordReason(StrEnum):
    """Why the face check could not be done on a home visit (the coordinator records the visit instead)."""

    BEDRIDDEN_NO_CAMERA = "bedridden_no_camera"
    DEMENTIA = "dementia"
    SEVERE_ILLNESS = "severe_illness"
    FACE_NOT_RECOGNISED = "face_not_recognised"
    NO_REFERENCE_FACE = "no_reference_face"
    OTHER = "other"


class PayrollAction(StrEnum):
    """What a line of the payroll file tells the bank (its codes, docs/payroll-file.md)."""

    SUSPEND = "SUSP"
    RESUME = "RESU"  # with the back pay of the months suspended
    STOP = "STOP"


class PaymentFailureState(StrEnum):
    """A payment the bank's return file reported as failed: open until a clerk resolves it."""

    OPEN = "open"
    RESOLVED = "resolved"


class ReferenceConfirmation(StrEnum):
    """How an on-site reference face was confirmed before it counts (api/certification/reference_rule.py)."""

    LIVE_CHECK = "live_check"  # the person's own live face check
    SECOND_STAFF = "second_staff"  # a second staff member


class ReferenceStatus(StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    ACTIVE = "active"
    RETIRED = "retired"
