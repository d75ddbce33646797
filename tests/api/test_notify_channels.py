"""Notices that arrive: SMS through a signed HTTP gateway, e-mail to a real SMTP server (aiosmtpd), letters as
a printable PDF — chosen per person (SMS, then e-mail, then a letter; opt-outs respected), every attempt in
the delivery log, failures retried and then given up."""

from __future__ import annotations

import hmac
import json
import re
import socket
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from api.notify import outbox
from api.notify.channels import Channel, SmsGatewayNotifier, SmtpNotifier, sign_sms_request
from api.notify.models import NoticeDelivery, OutboxMessage, OutboxStatus
from api.notify.routed import deliver_routed, opt_out

SECRET = "gateway-secret-for-tests"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gateway():
    """A local SMS gateway that checks every request's signature the way the real one does."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            expected = sign_sms_request(
                SECRET, "POST", self.path, self.headers["X-Timestamp"], self.headers["X-Nonce"], body
            )
            if self.headers["X-App-Key"] != "lifecert" or not hmac.compare_digest(
                expected, self.headers.get("X-Signature", "")
            ):
                self.send_response(401)
                self.end_headers()
                self.wfile.write(b'{"error": "bad signature"}')
                return
            received.append(json.loads(body))
            answer = json.dumps({"message_id": f"gw-{len(received)}"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/send", received
    server.shutdown()


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self) -> None:
            self.messages: list[tuple[list[str], bytes]] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
            return "250 Message accepted for delivery"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


def _queue(session, person, key: str) -> OutboxMessage:
    msg = outbox.queue(
        session,
        dedupe_key=f"{key}:{person.id}",
        template="reminder",
        beneficiary_id=person.id,
        recipient=person.phone,
        body=f"{person.name[0]}*{person.name[-1]}：您的养老待遇资格认证请于2026年12月31日前完成。",
    )
    assert msg is not None
    return msg


def test_each_person_is_reached_on_their_channel_and_every_attempt_is_logged(
    session, make_person, gateway, smtp_server, tmp_path
):
    url, received = gateway
    port, inbox = smtp_server
    by_sms = make_person(name="通短信", birth=date(1950, 1, 2))
    by_sms.phone = "13800001111"
    by_mail = make_person(name="通邮件", birth=date(1950, 1, 3))
    by_mail.email = "tong@example.org"
    opted = make_person(name="拒短信", birth=date(1950, 1, 4))
    opted.phone = "13800002222"
    nothing = make_person(name="无联系", birth=date(1950, 1, 5))
    session.flush()
    opt_out(session, opted.id, Channel.SMS)
    with pytest.raises(ValueError):
        opt_out(session, opted.id, Channel.LETTER)
    messages = {p.name: _queue(session, p, "routed") for p in (by_sms, by_mail, opted, nothing)}
    session.commit()

    report = deliver_routed(
        session,
        sms=SmsGatewayNotifier(url, "lifecert", SECRET),
        email=SmtpNotifier("127.0.0.1", port, "lifecert@agency.example"),
        letters_dir=tmp_path / "letters",
        citizen_url="https://lifecert.example/app",
    )
    session.commit()
    assert report.sent == {"sms": 1, "email": 1, "letter": 2} and report.failed == 0
    # the gateway checked the signature and got the text
    assert [(r["to"], r["template"]) for r in received] == [("13800001111", "reminder")]
    assert "资格认证" in received[0]["text"]
    # the SMTP server got the e-mail, in Chinese
    ((rcpts, content),) = inbox.messages
    assert rcpts == ["tong@example.org"]
    assert "=?utf-8?" in content.decode().lower()  # a Chinese subject, RFC 2047-encoded
    # two letters in one PDF batch, a page each
    assert report.letters_file is not None and report.letters_file.read_bytes().startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page(?![s\w])", report.letters_file.read_bytes())
    assert len(pages) == 2
    channels = {name: session.get(OutboxMessage, m.id).channel for name, m in messages.items()}
    assert channels == {"通短信": "sms", "通邮件": "email", "拒短信": "letter", "无联系": "letter"}
    log = session.execute(sa.select(NoticeDelivery).order_by(NoticeDelivery.id)).scalars().all()
    assert len(log) == 4 and all(entry.ok for entry in log)
    assert any(entry.detail.startswith("gateway message gw-1") for entry in log)
    assert any("page 2" in entry.detail for entry in log)


def test_a_refused_gateway_request_is_retried_then_given_up(session, make_person, gateway, tmp_path):
    url, received = gateway
    person = make_person(name="重试甲", birth=date(1950, 2, 2))
    person.phone = "13800003333"
    session.flush()
    msg = _queue(session, person, "retry")
    session.commit()
    wrong_key = SmsGatewayNotifier(url, "lifecert", "not-the-secret")  # the gateway answers 401
    for attempt in (1, 2):
        report = deliver_routed(
            session, sms=wrong_key, email=None, letters_dir=tmp_path, citizen_url="http://x", max_attempts=2
        )
        session.commit()
        assert report.failed == 1 and report.sent["sms"] == 0
        session.refresh(msg)
        assert msg.attempts == attempt
    assert msg.status is OutboxStatus.FAILED and "401" in msg.last_error
    assert received == []
    log = (
        session.execute(sa.select(NoticeDelivery).where(NoticeDelivery.message_id == msg.id)).scalars().all()
    )
    assert [(e.channel, e.ok) for e in log] == [("sms", False), ("sms", False)]


def test_the_signature_covers_the_body() -> None:
    args = ("POST", "/v1/send", "1700000000", "abcd")
    assert sign_sms_request(SECRET, *args, b'{"to":"1"}') != sign_sms_request(SECRET, *args, b'{"to":"2"}')
    assert sign_sms_request(SECRET, *args, b"x") == sign_sms_request(SECRET, *args, b"x")


def test_the_letter_qr_code_opens_the_citizens_app_with_the_id_number() -> None:

    from api.notify.letters import _qr_png, app_link

    link = app_link("https://lifecert.example/app/", "11010119500308022X")
    assert link == "https://lifecert.example/app/?id=11010119500308022X"
    from api.receipts.scan import read_qr

    assert read_qr(_qr_png(link)) == link
