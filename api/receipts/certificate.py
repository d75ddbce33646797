"""The printable certificate of a certification (认证回执): an A5 page with the masked facts, the same QR
code as the receipt (the check page's URL) and that URL in words, in the reader's language (fpdf2 with the
system's CJK font, as the disclosure lists)."""

from __future__ import annotations

import io

from api.core.pdf import cjk_pdf
from api.receipts.qr import qr_png
from shared.i18n import translate
from shared.schemas import ReceiptVerification


def certificate_pdf(check: ReceiptVerification, language: str, url: str, *, lines: list[str]) -> bytes:
    """The certificate; RuntimeError without a CJK font (Debian: fonts-noto-cjk or fonts-droid-fallback)."""
    t = lambda key, **kw: translate(language, key, **kw)  # noqa: E731
    pdf = cjk_pdf((148, 210))  # A5 in millimetres
    pdf.set_title(t("receipt.pdf.title"))
    pdf.set_creator("lifecert")
    pdf.add_page()
    pdf.set_font("cjk", size=20)
    pdf.cell(0, 12, t("receipt.pdf.title"), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 7, t("app.title"), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(4)
    pdf.set_font("cjk", size=13)
    for line in lines:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    size = 55
    pdf.image(io.BytesIO(qr_png(url)), x=(pdf.w - size) / 2, w=size, h=size)
    pdf.ln(2)
    pdf.set_font("cjk", size=9)
    pdf.multi_cell(0, 5, t("receipt.pdf.scan"), new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("cjk", size=6)
    pdf.multi_cell(0, 3.5, url, new_x="LMARGIN", new_y="NEXT", align="C")
    return bytes(pdf.output())
