"""Replayed recordings over HTTP with real frames and the real face engine: frames already sent to an
earlier challenge (of anyone) are refused as ``replayed_frames`` and counted as a failed attempt, while a
retry of the same challenge still gets its first answer; frames out of capture order are refused; other
frames of the same person are not taken for a replay; the setting turns the refusal off."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from api.audit import AuditEvent
from api.challenges import replay
from api.challenges.models import FailedAttempt, FrameDigest
from api.core.db import utcnow
from tests.api.cert import test_self_certification as self_certification
from tests.api.cert.clips import clip_frames, live_frames
from tests.api.cert.conftest import new_key
from tests.api.cert.test_self_certification import challenge, count, submit

person_with_reference = self_certification.person_with_reference  # the same fixture, used by name

pytestmark = pytest.mark.face


def test_frames_sent_again_to_a_new_challenge_are_refused(
    face_client, session, person_with_reference, fixed_actions
):
    first = person_with_reference()
    first_challenge, first_key = challenge(face_client, first, fixed_actions), new_key()
    passed = submit(face_client, first_challenge, live_frames(), key=first_key)
    assert passed.status_code == 200 and passed.json()["result"] == "passed", passed.text
    assert count(session, FrameDigest, challenge_id=first_challenge) == len(live_frames())

    # The same recording sent for someone else (any person): refused, a failed attempt, audited.
    other = person_with_reference()
    replay_challenge, replay_key = challenge(face_client, other, fixed_actions), new_key()
    refused = submit(face_client, replay_challenge, live_frames(), key=replay_key)
    assert refused.status_code == 200, refused.text
    body = refused.json()
    assert body["result"] == "failed" and body["reason"] == "replayed_frames", body
    assert body["failures_last_24h"] == 1
    assert count(session, FailedAttempt, beneficiary_id=other.id, reason="replayed_frames") == 1
    assert count(session, AuditEvent, action="certification.fail", entity_type="failed_attempt") == 1

    # Retries of either challenge with its key get the first answer, unchanged (idempotency).
    again = submit(face_client, first_challenge, live_frames(), key=first_key)
    assert again.status_code == 200 and again.json() == passed.json()
    again = submit(face_client, replay_challenge, live_frames(), key=replay_key)
    assert again.status_code == 200 and again.json() == body
    assert count(session, FailedAttempt, beneficiary_id=other.id) == 1

    # A third of the frames is enough; the rest may be new.
    frames = live_frames()
    mixed = tuple(
        frames[i] if i % 3 == 0 else (clip_frames("d10.mp4", 63, 243, 6)[i][0], t)
        for i, (_, t) in enumerate(frames)
    )
    third = submit(face_client, challenge(face_client, person_with_reference(), fixed_actions), mixed)
    assert third.json()["reason"] == "replayed_frames", third.text

    # Digests past their retention are deleted (lifecert retention purge).
    later = utcnow() + timedelta(days=face_client.app.state.cert.cert.replay_digest_days + 1)
    assert replay.purge(session, days=face_client.app.state.cert.cert.replay_digest_days, now=later) >= 60
    session.commit()
    assert count(session, FrameDigest) == 0


def test_one_recording_sent_to_two_challenges_at_once_passes_at_most_once(
    face_client, session, person_with_reference, fixed_actions
):
    """Both submissions start together. The digests are stored with the claim, before the face decision,
    so whichever checks second finds the other's frames (before, both checked, then both were decided for
    half a second, then both stored: both passed). Both may be refused; never both passed."""
    challenges = [challenge(face_client, person_with_reference(), fixed_actions) for _ in range(2)]
    start = threading.Barrier(2)

    def send(challenge_id: str):
        start.wait()
        return submit(face_client, challenge_id, live_frames())

    with ThreadPoolExecutor(2) as pool:
        answers = [r.json() for r in pool.map(send, challenges)]
    assert all(a["result"] in ("passed", "failed") for a in answers), answers
    assert sum(a["result"] == "passed" for a in answers) <= 1, answers
    assert any(a["reason"] == "replayed_frames" for a in answers), answers
    assert all(a["reason"] == "replayed_frames" for a in answers if a["result"] != "passed"), answers
    for challenge_id in challenges:  # every decided submission keeps its digests
        assert count(session, FrameDigest, challenge_id=challenge_id) == len(live_frames())


def test_frames_of_an_undecided_submission_may_be_sent_again(
    face_client, session, person_with_reference, fixed_actions, monkeypatch
):
    """A submission that could not be decided (503, claim released) leaves no digests: the app's next try
    with the same pictures is not a replay."""
    from api.challenges import submission

    def broken(*_args, **_kwargs):
        raise RuntimeError("engine pool gone")

    first = challenge(face_client, person_with_reference(), fixed_actions)
    with monkeypatch.context() as patch:
        patch.setattr(submission, "_decide", broken)
        resp = submit(face_client, first, live_frames())
    assert resp.status_code == 503 and resp.json()["error"] == "try_again", resp.text
    assert count(session, FrameDigest, challenge_id=first) == 0
    again = submit(face_client, challenge(face_client, person_with_reference(), fixed_actions), live_frames())
    assert again.json()["result"] == "passed", again.text


def test_other_frames_of_the_same_person_are_not_a_replay(face_client, person_with_reference, fixed_actions):
    """The same person and place, other pictures (the clip 3 frames later): never taken for a replay."""
    first = submit(face_client, challenge(face_client, person_with_reference(), fixed_actions), live_frames())
    assert first.json()["result"] == "passed", first.text
    later = clip_frames("d10.mp4", 63, 243, 6)
    second = submit(face_client, challenge(face_client, person_with_reference(), fixed_actions), later)
    assert second.status_code == 200, second.text
    assert second.json()["reason"] != "replayed_frames", second.json()


def test_frames_out_of_capture_order_are_refused(face_client, person_with_reference, fixed_actions):
    swapped = list(live_frames())
    swapped[3], swapped[4] = swapped[4], swapped[3]  # each picture keeps its own capture time
    challenge_id = challenge(face_client, person_with_reference(), fixed_actions)
    resp = submit(face_client, challenge_id, swapped)
    assert resp.status_code == 422 and resp.json()["error"] == "frames_out_of_order", resp.text
    same_time = [*live_frames()[:3], (live_frames()[3][0], live_frames()[2][1]), *live_frames()[4:]]
    resp = submit(face_client, challenge_id, same_time)
    assert resp.status_code == 422 and resp.json()["error"] == "frames_out_of_order", resp.text
    # Nothing was claimed: the challenge still takes a good submission.
    assert submit(face_client, challenge_id, live_frames()).json()["result"] == "passed"


def test_a_capture_longer_than_the_challenge_lives_is_refused(
    face_client, person_with_reference, fixed_actions
):
    from api.core.context import configure

    cert = face_client.app.state.cert.cert
    configure(face_client.app, cert.model_copy(update={"challenge_ttl_seconds": 10}))
    try:
        frames = live_frames()
        stretched = [(data, t * 3) for data, t in frames]  # 18 s of pictures for a 10 s challenge
        resp = submit(face_client, challenge(face_client, person_with_reference(), fixed_actions), stretched)
        assert resp.status_code == 422 and resp.json()["error"] == "capture_outlasts_challenge", resp.text
    finally:
        configure(face_client.app, cert)


@pytest.mark.usefixtures("replays_allowed")
def test_the_refusal_can_be_turned_off(face_client, person_with_reference, fixed_actions):
    """Where one sample recording is sent again on purpose (browser tests)."""
    for _ in range(2):
        challenge_id = challenge(face_client, person_with_reference(), fixed_actions)
        resp = submit(face_client, challenge_id, live_frames())
        assert resp.json()["result"] == "passed", resp.text
