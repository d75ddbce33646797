"""Typed values passed between the face pipeline stages and to callers (never dicts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Action(StrEnum):
    """A liveness challenge action. Values equal shared.enums.ChallengeAction's."""

    BLINK = "blink"
    OPEN_MOUTH = "open_mouth"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"


class ReasonCode(StrEnum):
    """Why an image or a decision was refused. Values are stable: the app maps them to its catalogs."""

    OK = "ok"
    # intake
    EMPTY_INPUT = "empty_input"
    TOO_LARGE = "too_large"
    NOT_AN_IMAGE = "not_an_image"
    IMAGE_TOO_SMALL = "image_too_small"
    # quality gate
    NO_FACE = "no_face"
    MULTIPLE_FACES = "multiple_faces"
    FACE_TOO_SMALL = "face_too_small"
    FACE_CUT_OFF = "face_cut_off"
    TOO_DARK = "too_dark"
    BACKLIT = "backlit"
    BLURRED = "blurred"
    EYES_NOT_VISIBLE = "eyes_not_visible"
    # liveness
    NO_NEUTRAL_START = "no_neutral_start"
    ACTION_NOT_SEEN = "action_not_seen"
    ACTIONS_OUT_OF_ORDER = "actions_out_of_order"
    STILL_IMAGE = "still_image"
    IDENTITY_CHANGED = "identity_changed"
    IMPLAUSIBLE_TIMING = "implausible_timing"
    IMPLAUSIBLE_MOTION = "implausible_motion"
    TOO_FEW_FRAMES = "too_few_frames"
    # verification and anti-spoofing
    FACE_MISMATCH = "face_mismatch"
    BORDERLINE_MATCH = "borderline_match"
    SPOOF_SUSPECTED = "spoof_suspected"
    NO_REFERENCE = "no_reference"
    # submission (api/challenges/replay.py): frames already sent to an earlier challenge
    REPLAYED_FRAMES = "replayed_frames"


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"
    # the capture was unusable through no fault of the person (a slow or stalling device, too few usable
    # pictures): they simply try again, and it does not count as a failed attempt
    RETRY = "retry"


class FaceInputError(ValueError):
    """An unusable input, with a stable reason code and a plain message a person can act on."""

    def __init__(self, code: ReasonCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Box:
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True, slots=True)
class TimedFrame:
    """One captured frame: encoded image bytes and its capture time in milliseconds."""

    data: bytes
    t_ms: int


@dataclass(frozen=True, slots=True)
class Template:
    """A reference face: the embedding plus what produced it, so templates from another model are never
    mixed."""

    vector: tuple[float, ...]
    model: str
    detector: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    match: bool
    distance: float
    threshold: float
    borderline: bool = False


@dataclass(frozen=True, slots=True)
class SpoofResult:
    ran: bool  # False when torch or the weights are missing: the check was not run
    is_real: bool | None = None
    score: float | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class ActionResult:
    action: Action
    passed: bool
    frame: int | None  # index of the frame where the action peaked


@dataclass(frozen=True, slots=True)
class LivenessResult:
    live: bool
    actions: tuple[ActionResult, ...]
    reason: ReasonCode
    best_frame: int | None = None  # index of the most frontal, sharpest neutral frame
    # frames worth an identity embedding: best frame, each action's peak, the last frame (liveness adds)
    key_frames: tuple[int, ...] = ()
    # frames that start a stretch which could be another face (face.liveness.unbridged_cuts); empty when
    # one face is followed continuously through the whole capture
    cuts: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """The whole certification decision for one challenge submission."""

    outcome: Outcome
    reason: ReasonCode
    message: str
    liveness: LivenessResult | None = None
    verify: VerifyResult | None = None
    spoof: SpoofResult | None = None
    best_frame: int | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class QualityReport:
    """The quality gate's verdict on one picture; `ok` False comes with the first failing reason."""

    ok: bool
    reason: ReasonCode
    message: str
    faces: int
    box: Box | None = None
    face_px: int | None = None
    luminance: float | None = None  # mean face luminance, 0-255
    background_ratio: float | None = None  # face luminance / background luminance
    sharpness: float | None = None  # Laplacian variance of the face at 128x128
    eyes_found: int | None = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    """`FaceEngine.check`: how many faces, the quality verdict, and the anti-spoofing signal (None when
    no face was found to run it on)."""

    faces: int
    quality: QualityReport
    spoof: SpoofResult | None
