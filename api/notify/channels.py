"""Channels that reach a person: SMS through an HTTP gateway (signed requests), e-mail over SMTP, and a
printed letter (api/notify/letters.py) when neither is possible or the person opted out of both.

Which channel a notice takes (``route``): SMS when the person has a mobile number and did not opt out of
SMS, else e-mail when they have an address and did not opt out of e-mail, else a letter. Each adapter
raises on failure; the outbox keeps the message for a retry and logs the attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

import httpx

from api.notify.adapters import Notice
from api.notify.models import Channel


@dataclass(frozen=True, slots=True)
class Contact:
    """Where a person can be reached now (read at delivery: contact details change)."""

    phone: str | None = None
    email: str | None = None


def route(contact: Contact, opted_out: frozenset[Channel] = frozenset()) -> Channel:
    if contact.phone and Channel.SMS not in opted_out:
        return Channel.SMS
    if contact.email and Channel.EMAIL not in opted_out:
        return Channel.EMAIL
    return Channel.LETTER


# --- SMS gateway -----------------------------------------------------------------------------------------


def sign_sms_request(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The gateway's request signature: hex HMAC-SHA256 over method, path, timestamp, nonce and the SHA-256
    of the body, one per line (the scheme of the common Chinese SMS gateways' API-key signing)."""
    canonical = "\n".join([method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()])
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()


class SmsGatewayNotifier:
    """POST {to, template, text} as JSON to the gateway with X-App-Key, X-Timestamp, X-Nonce and X-Signature
    headers; a 2xx answer with a ``message_id`` is a delivery, anything else raises."""

    def __init__(self, url: str, app_key: str, secret: str, timeout: float = 10.0) -> None:
        self.url, self.app_key, self.secret, self.timeout = url, app_key, secret, timeout

    def send(self, notice: Notice, to: str) -> str:
        body = json.dumps(
            {"to": to, "template": notice.template, "text": notice.body, "reference": str(notice.message_id)},
            ensure_ascii=False,
        ).encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
        signature = sign_sms_request(
            self.secret, "POST", urlsplit(self.url).path or "/", timestamp, nonce, body
        )
        resp = httpx.post(
            self.url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-App-Key": self.app_key,
                "X-Timestamp": timestamp,
                "X-Nonce": nonce,
                "X-Signature": signature,
            },
            timeout=self.timeout,
        )
        if resp.status_code // 100 != 2:
            raise RuntimeError(f"SMS gateway answered {resp.status_code}: {resp.text[:200]}")
        return f"gateway message {resp.json().get('message_id', '?')}"


# --- e-mail ----------------------------------------------------------------------------------------------


class SmtpNotifier:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls, self.timeout = username, password, starttls, timeout

    def send(self, notice: Notice, to: str) -> str:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = SUBJECTS.get(notice.template, "社会保险待遇资格认证通知")
        message["Message-ID"] = (
            f"<lifecert-{notice.message_id}-{secrets.token_hex(4)}@{self.sender.split('@')[-1]}>"
        )
        message.set_content(notice.body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            refused = smtp.send_message(message)
        if refused:
            raise RuntimeError(f"SMTP server refused {', '.join(refused)}")
        return f"smtp {self.host}:{self.port} accepted {message['Message-ID']}"


SUBJECTS = {
    "reminder": "请及时完成待遇领取资格认证",
    "heir_notice": "关于待遇停发及相关事项的通知",
}
