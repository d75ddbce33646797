"""A receipt anyone can check: ``GET /r/<token>`` is the page a receipt's QR code opens on any phone — plain
HTML, no script, no request to anywhere else, in the reader's language (``?lang=`` or the browser's
Accept-Language; Simplified Chinese by default): valid or not, whose (masked), when, how, valid until.
``GET /r/<token>.pdf`` is the printable certificate (认证回执) with the same QR code.

Kept minimal on purpose: the token is the whole credential (masked facts, signed), the page shows nothing the
token does not already carry, and answers ``Cache-Control: no-store`` and ``Referrer-Policy: no-referrer``
so the address does not travel on.
"""

from __future__ import annotations

import html
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.core.db import utcnow
from api.core.deps import SessionDep, SettingsDep
from api.core.errors import ApiError
from api.receipts import service
from api.receipts.certificate import certificate_pdf
from shared import cycle
from shared.i18n import LANGUAGES, translate
from shared.schemas import ReceiptVerification

router = APIRouter(tags=["receipts"])
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def reader_language(request: Request) -> str:
    """``?lang=`` when it names a catalog, else the first Chinese or English entry of Accept-Language."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("accept-language", "").lower().split(","):
        tag = part.split(";")[0].strip()
        if tag.startswith("zh"):
            return "zh-Hant" if any(x in tag for x in ("hant", "-tw", "-hk", "-mo")) else "zh-Hans"
        if tag.startswith("en"):
            return "en"
    return "zh-Hans"


def format_date(day: date, language: str) -> str:
    month = translate(language, f"month.{day.month}")
    return translate(language, "date.format", y=day.year, m=day.month, d=day.day, month=month)


def receipt_lines(check: ReceiptVerification, language: str) -> list[str]:
    """Who, when, how and until when, as the page and the certificate print them."""
    assert check.certified_on and check.valid_until and check.method
    t = lambda key, **kw: translate(language, key, **kw)  # noqa: E731
    return [
        t("result.person", name=check.holder_name),
        t("result.id", id_number=check.holder_id),
        t("receipt.check.when", date=format_date(check.certified_on, language)),
        t("receipt.check.how", method=t(f"method.{check.method}")),
        t("result.valid_until", date=format_date(check.valid_until, language)),
    ]


def verdict(check: ReceiptVerification, today: date) -> str:
    """valid | expired | invalid: a genuine receipt whose validity ended is told as such."""
    if not check.valid:
        return "invalid"
    return "expired" if check.valid_until is not None and check.valid_until < today else "valid"


_STYLE = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;
background:#fff;color:#111;font-size:20px;line-height:1.5}
main{max-width:34rem;margin:0 auto;padding:1.2rem}
h1{font-size:1.4rem;margin:.2rem 0 1rem}
.v{border:3px solid;border-radius:14px;padding:1rem;margin-bottom:1rem;font-size:1.25rem;font-weight:700}
.valid{border-color:#1B5E20;color:#1B5E20}.expired{border-color:#8a5a00;color:#8a5a00}
.invalid{border-color:#B00020;color:#B00020}
p{margin:.4rem 0}.m{color:#333;font-size:1rem}a{color:#0B4F9C}nav a{margin-right:1rem}
"""


def render_page(check: ReceiptVerification, state: str, language: str, token: str) -> str:
    t = lambda key, **kw: translate(language, key, **kw)  # noqa: E731
    e = html.escape
    sign = {"valid": "✔", "expired": "!", "invalid": "✘"}[state]
    parts = [f'<div class="v {state}" id="verdict">{sign} {e(t(f"receipt.check.{state}"))}</div>']
    if state != "invalid":
        parts += [f"<p>{e(line)}</p>" for line in receipt_lines(check, language)]
        parts.append(f'<p class="m">{e(t("receipt.check.masked"))}</p>')
        parts.append(f'<p><a href="{e(token)}.pdf?lang={language}">{e(t("receipt.check.pdf"))}</a></p>')
    links = " ".join(
        f'<a href="?lang={lang}" lang="{lang}">{e(t(f"language.{lang}"))}</a>'
        for lang in LANGUAGES
        if lang != language
    )
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{e(t('receipt.check.title'))}</title><style>{_STYLE}</style></head><body><main>"
        f"<h1>{e(t('receipt.check.title'))}</h1>{''.join(parts)}"
        f'<p class="m">{e(t("receipt.check.issuer", service=t("app.title")))}</p>'
        f"<nav>{links}</nav></main></body></html>"
    )


def _today() -> date:
    return cycle.local_date(utcnow(), "Asia/Shanghai")


@router.get("/r/{token}.pdf", response_class=Response, include_in_schema=False)
def receipt_certificate(token: str, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    check = service.verify(session, token, key=settings.secret_key)
    if not check.valid:
        raise ApiError(404, "invalid_receipt", service.INVALID_MESSAGE)
    language = reader_language(request)
    pdf = certificate_pdf(
        check, language, service.check_url(settings.public_url, token), lines=receipt_lines(check, language)
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={**HEADERS, "Content-Disposition": 'inline; filename="receipt.pdf"'},
    )


@router.get("/r/{token}", response_class=HTMLResponse, include_in_schema=False)
def receipt_page(token: str, request: Request, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    check = service.verify(session, token, key=settings.secret_key)
    language = reader_language(request)
    state = verdict(check, _today())
    return HTMLResponse(
        render_page(check, state, language, token), status_code=200 if check.valid else 404, headers=HEADERS
    )
