"""FaceEngine: the one entry point api/ uses. Loads nothing until warm_up() or first use; thread-safe.

Pipeline per picture: intake (face.intake) → detection (face.detect) → quality gate (face.quality) →
68 landmarks + dlib descriptor and comparison (face.verify) → passive anti-spoofing (face.antispoof).
A certification (`decide`) runs active liveness first (face.liveness) and verifies its best frame with
the box, landmarks and descriptor the liveness stage already has (no second detection, no frame
embedded twice).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import TypedDict, Unpack

import numpy as np

from face import antispoof, models, quality
from face import verify as verification
from face.background import POOL
from face.config import FaceConfig
from face.detect import DetectedFace, detect_faces
from face.intake import decode_image
from face.liveness import FrameEmbeddings
from face.types import (
    Action,
    CheckResult,
    Decision,
    FaceInputError,
    LivenessResult,
    Outcome,
    ReasonCode,
    SpoofResult,
    Template,
    TimedFrame,
    VerifyResult,
)

DECISION_MESSAGES: dict[ReasonCode, str] = {
    ReasonCode.OK: "Certification passed.",
    ReasonCode.BORDERLINE_MATCH: "We could not confirm your face automatically. An officer will review "
    "your certification; you do not need to do anything now.",
    ReasonCode.FACE_MISMATCH: "The face does not match the photo on file. Please try again, or visit your "
    "service office.",
    ReasonCode.SPOOF_SUSPECTED: "We could not confirm that the camera saw a live face. An officer will "
    "review your certification.",
    ReasonCode.IDENTITY_CHANGED: "More than one person appeared during the check. Please try again alone.",
    ReasonCode.NO_REFERENCE: "There is no reference photo on file to compare with. An officer will review "
    "your certification.",
}

SPOOF_REJECTED_MESSAGE = "The camera must see your real face, not a photo or a screen. Please try again."

LIVENESS_MESSAGES: dict[ReasonCode, str] = {
    ReasonCode.NO_NEUTRAL_START: "Start by looking straight at the camera with a still face.",
    ReasonCode.ACTION_NOT_SEEN: "We did not see every requested action. Please try again, following the "
    "instructions on screen.",
    ReasonCode.ACTIONS_OUT_OF_ORDER: "The actions were not done in the order shown. Please try again.",
    ReasonCode.STILL_IMAGE: "The camera must see a live person, not a photo. Please try again.",
    ReasonCode.IDENTITY_CHANGED: DECISION_MESSAGES[ReasonCode.IDENTITY_CHANGED],
    ReasonCode.IMPLAUSIBLE_TIMING: "The recording timing was not valid. Please try again.",
    ReasonCode.IMPLAUSIBLE_MOTION: "The pictures did not follow one another like a live recording. Please "
    "try again.",
    ReasonCode.TOO_FEW_FRAMES: "Your phone sent too few usable pictures. This does not count as a failed "
    "try: please try again, holding the phone still in good light.",
}


class _DecisionParts(TypedDict, total=False):
    """What a Decision carries besides its outcome, reason and message (whatever the stages reached)."""

    liveness: LivenessResult
    verify: VerifyResult
    spoof: SpoofResult
    best_frame: int


class FaceEngine:
    def __init__(self, config: FaceConfig | None = None):
        self.config = config or FaceConfig()
        self._warm = False
        self._warm_lock = threading.Lock()

    # --- lifecycle ------------------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load every model once (detector, recogniser, anti-spoofing when it can run, 68 landmarks)."""
        with self._warm_lock:
            if self._warm:
                return
            models.deepface_module()
            models.build_deepface_model("face_detector", self.config.detector)
            models.face_recogniser()
            antispoof.load(self.config)
            quality._eye_cascades()
            models.frontal_face_detector()
            models.landmarks_68()
            self._warm = True

    def warm_up_verification(self) -> None:
        """Load only what verify() needs (detector and recogniser): the CLI's pair evaluation."""
        models.build_deepface_model("face_detector", self.config.detector)
        models.face_recogniser()
        models.landmarks_68()

    # --- single pictures ------------------------------------------------------------------------------
    def load_image(self, data: bytes) -> np.ndarray:
        c = self.config
        return decode_image(
            data, max_bytes=c.max_bytes, max_pixels=c.max_pixels, max_side=c.max_side, min_side=c.min_side
        )

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        return detect_faces(image, detector=self.config.detector, align=self.config.align)

    def check(self, data: bytes | np.ndarray) -> CheckResult:
        image = self._image(data)
        faces = self.detect(image)
        report = quality.assess(image, faces, self.config)
        spoof = antispoof.check(image, faces[0].box, self.config) if faces else None
        return CheckResult(faces=len(faces), quality=report, spoof=spoof)

    def enrol(self, data: bytes | np.ndarray) -> Template:
        """A reference template from a picture that passes the whole quality gate (exactly one face)."""
        image = self._image(data)
        faces = self.detect(image)
        report = quality.assess(image, faces, self.config)
        if not report.ok:
            raise FaceInputError(report.reason, report.message)
        return verification.embed(image, faces[0], self.config)

    def template(self, data: bytes | np.ndarray) -> Template:
        """The embedding of the single face of a picture, without the lighting/blur gate (used for probes)."""
        image = self._image(data)
        return verification.embed(image, self._single_face(image), self.config)

    def verify(self, references: Sequence[Template], probe: bytes | np.ndarray) -> VerifyResult:
        """Compare the single face of `probe` with a person's references (min distance, see face.verify)."""
        if not verification.usable_references(references, self.config):
            raise FaceInputError(ReasonCode.NO_REFERENCE, DECISION_MESSAGES[ReasonCode.NO_REFERENCE])
        return self.verify_template(references, self.template(probe))

    def verify_template(self, references: Sequence[Template], probe: Template) -> VerifyResult:
        result = verification.compare(references, probe, self.config)
        if result is None:
            raise FaceInputError(ReasonCode.NO_REFERENCE, DECISION_MESSAGES[ReasonCode.NO_REFERENCE])
        return result

    # --- certification --------------------------------------------------------------------------------
    def decide(
        self,
        actions: Sequence[Action],
        frames: Sequence[TimedFrame],
        references: Sequence[Template],
    ) -> Decision:
        timings: dict[str, float] = {}
        start = time.perf_counter()
        from face import liveness as liveness_module

        try:
            detail = liveness_module.evaluate_detail(actions, frames, config=self.config.liveness)
        except FaceInputError as exc:  # an undecodable frame
            return self._decision(Outcome.FAILED, exc.code, timings, start, message=exc.message)
        live: LivenessResult = detail.result
        timings["liveness"] = _ms(start)
        if not live.live or live.best_frame is None or detail.embeddings is None:
            reason = live.reason if live.reason is not ReasonCode.OK else ReasonCode.ACTION_NOT_SEEN
            outcome = Outcome.RETRY if reason is ReasonCode.TOO_FEW_FRAMES else Outcome.FAILED
            return self._decision(outcome, reason, timings, start, liveness=live)
        if not verification.usable_references(references, self.config):
            return self._decision(
                Outcome.NEEDS_REVIEW,
                ReasonCode.NO_REFERENCE,
                timings,
                start,
                liveness=live,
                best_frame=live.best_frame,
            )
        # The best frame's face box and 68 points come from the liveness stage: no second detection, and
        # its descriptor is shared with the liveness splice check (computed once).
        embeddings = detail.embeddings
        t = time.perf_counter()
        best = live.best_frame
        image = embeddings.image(best)
        # MiniFASNet (torch, which lets go of the GIL) runs on the second core while dlib embeds the frame.
        spoof_job = POOL.submit(antispoof.check, image, embeddings.measures(best).box, self.config)
        probe = Template(
            tuple(float(v) for v in embeddings.vector(best)), self.config.model, verification.EMBEDDING_PATH
        )
        result = verification.compare(references, probe, self.config)
        timings["embed"] = _ms(t)
        assert result is not None
        t = time.perf_counter()
        spoof: SpoofResult = spoof_job.result()
        timings["antispoof_wait"] = _ms(t)
        if not result.match and not result.borderline:  # a clear mismatch: nothing below can change it
            return self._decision(
                Outcome.FAILED,
                ReasonCode.FACE_MISMATCH,
                timings,
                start,
                liveness=live,
                verify=result,
                best_frame=best,
            )
        t = time.perf_counter()
        changed = self._identity_changed(embeddings, live, len(frames))
        timings["consistency"] = _ms(t)
        common: _DecisionParts = {"liveness": live, "verify": result, "spoof": spoof, "best_frame": best}
        if changed:
            return self._decision(Outcome.FAILED, ReasonCode.IDENTITY_CHANGED, timings, start, **common)
        if spoof.ran and not spoof.is_real:
            if self.config.antispoof_failure is Outcome.FAILED:
                return self._decision(
                    Outcome.FAILED,
                    ReasonCode.SPOOF_SUSPECTED,
                    timings,
                    start,
                    message=SPOOF_REJECTED_MESSAGE,
                    **common,
                )
            return self._decision(Outcome.NEEDS_REVIEW, ReasonCode.SPOOF_SUSPECTED, timings, start, **common)
        if result.match:
            return self._decision(Outcome.PASSED, ReasonCode.OK, timings, start, **common)
        return self._decision(Outcome.NEEDS_REVIEW, ReasonCode.BORDERLINE_MATCH, timings, start, **common)

    # --- helpers --------------------------------------------------------------------------------------
    def _image(self, data: bytes | np.ndarray) -> np.ndarray:
        if isinstance(data, np.ndarray):
            if data.ndim != 3 or data.shape[2] != 3 or data.dtype != np.uint8:
                raise FaceInputError(ReasonCode.NOT_AN_IMAGE, "Expected a BGR uint8 image array.")
            return data
        return self.load_image(data)

    def _single_face(self, image: np.ndarray) -> DetectedFace:
        faces = self.detect(image)
        if not faces:
            raise FaceInputError(ReasonCode.NO_FACE, quality.MESSAGES[ReasonCode.NO_FACE])
        if len(faces) > 1:
            raise FaceInputError(ReasonCode.MULTIPLE_FACES, quality.MESSAGES[ReasonCode.MULTIPLE_FACES])
        return faces[0]

    def _identity_changed(self, embeddings: FrameEmbeddings, live: LivenessResult, n_frames: int) -> bool:
        """Compare the best frame's descriptor with other frames' (same embedding, within one capture): any
        farther than `same_person_threshold` means another person was spliced in.

        Frames the liveness splice check already embedded (action peaks across a suspicious cut) are
        compared at no cost and count toward `consistency_frames`; the rest are taken from the key frames
        (the last frame first: a splice usually sits at the end), else frames spread over the clip."""
        wanted = self.config.consistency_frames
        if wanted <= 0:
            return False
        best = live.best_frame
        if best is None:
            raise ValueError("the identity check needs the liveness stage's best frame")
        free = [i for i in embeddings.computed if i != best]
        if self.config.consistency_across_cuts_only and not live.cuts:
            # one face followed without a break through the whole capture: only the free comparisons
            if not free:
                return False
            ref = embeddings.vector(best)
            return any(
                float(np.linalg.norm(embeddings.vector(i) - ref)) > self.config.same_person_threshold
                for i in free
            )
        picks = list(free)
        for i in live.cuts:  # the first frame of each stretch that could be another face
            if len(picks) >= wanted:
                break
            if i != best and i not in picks and embeddings.has_face(i):
                picks.append(i)
        others = [
            i for i in reversed(live.key_frames) if i != best and i not in picks and embeddings.has_face(i)
        ]
        for i in others:
            if len(picks) >= wanted:
                break
            picks.append(i)
        if len(picks) < wanted:
            for i in sample_indices(n_frames, best, wanted):
                if len(picks) >= wanted:
                    break
                if i not in picks and embeddings.has_face(i):
                    picks.append(i)
        ref = embeddings.vector(best)
        return any(
            float(np.linalg.norm(embeddings.vector(i) - ref)) > self.config.same_person_threshold
            for i in picks
        )

    def _decision(
        self,
        outcome: Outcome,
        reason: ReasonCode,
        timings: dict[str, float],
        start: float,
        message: str | None = None,
        **parts: Unpack[_DecisionParts],
    ) -> Decision:
        timings["total"] = _ms(start)
        text = (
            message
            or DECISION_MESSAGES.get(reason)
            or LIVENESS_MESSAGES.get(reason)
            or quality.MESSAGES.get(reason)
            or "The certification could not be completed. Please try again."
        )
        return Decision(outcome=outcome, reason=reason, message=text, timings_ms=timings, **parts)


def sample_indices(count: int, best: int, wanted: int) -> list[int]:
    """Up to `wanted` frame indices spread evenly over the clip (first and last first), never the best."""
    if wanted <= 0 or count <= 1:
        return []
    candidates = [i for i in range(count) if i != best]
    if len(candidates) <= wanted:
        return candidates
    positions = np.linspace(0, len(candidates) - 1, num=wanted).round().astype(int).tolist()
    return [candidates[p] for p in dict.fromkeys(positions)]


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)
