"""Printable reminder letters: one A4 page per person (PDF, fpdf2 with a CJK font), with a QR code that opens
the citizens' app with the person's ID number filled in, for people with no phone or e-mail."""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import urlencode

from api.core.pdf import cjk_pdf


@dataclass(frozen=True, slots=True)
class Letter:
    message_id: int
    name: str
    id_number: str
    region_name: str
    body: str


def app_link(citizen_url: str, id_number: str) -> str:
    """The citizens' app with the ID number filled in (the person still types their name)."""
    return f"{citizen_url.rstrip('/')}/?{urlencode({'id': id_number})}"


def _qr_png(data: str) -> bytes:
    import qrcode

    image = qrcode.make(data, box_size=8, border=2)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def render(letters: list[Letter], citizen_url: str) -> bytes:
    """The letters as one PDF, a page each; RuntimeError without a CJK font (Debian: fonts-noto-cjk)."""
    pdf = cjk_pdf("A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    for letter in letters:
        pdf.add_page()
        pdf.set_font("cjk", size=20)
        pdf.cell(0, 14, "待遇领取资格认证提醒", new_x="LMARGIN", new_y="NEXT", align="C")
        pdf.ln(4)
        pdf.set_font("cjk", size=14)
        pdf.cell(0, 9, f"{letter.name}（{letter.region_name}）：", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 9, letter.body, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        link = app_link(citizen_url, letter.id_number)
        pdf.image(io.BytesIO(_qr_png(link)), x=75, w=60)
        pdf.set_font("cjk", size=12)
        pdf.multi_cell(
            0,
            8,
            "用手机相机扫描上方二维码，即可打开认证页面（已填好您的身份证号）；也可请社区、村协办员上门"
            "或到社保经办机构办理。咨询电话 12333。",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("cjk", size=9)
        pdf.cell(0, 8, f"编号 {letter.message_id}", new_x="LMARGIN", new_y="NEXT", align="R")
    return bytes(pdf.output())
