"""The PDF of a subject access disclosure, built with fpdf2 from the same readable rows as the
HTML page. A Unicode TrueType font is used when one is found (names are not all Latin-1); with
none, the built-in Helvetica is used and characters it cannot show are transliterated."""

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from fpdf import FPDF

from .render import readable

#: Tried in order; SUBJECT_ACCESS_PDF_FONT (a .ttf path) in settings comes first.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)


def unicode_font() -> Path | None:
    configured = getattr(settings, "SUBJECT_ACCESS_PDF_FONT", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def _latin1(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.encode("latin-1", "replace").decode("latin-1")


def _unchanged(text: str) -> str:
    return text


def build_pdf(
    document: dict[str, Any],
    *,
    heading: str,
    intro: list[str],
    font: Path | bool | None = True,
    compress: bool = True,
) -> bytes:
    """`font=True`: find a Unicode font; a Path: use it; None/False: Helvetica only."""
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(heading)
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    font_path = unicode_font() if font is True else (font or None)
    text: Callable[[str], str] = _latin1
    family = "Helvetica"
    if font_path is not None:
        pdf.add_font("Body", "", str(font_path))
        family, text = "Body", _unchanged
    pdf.add_page()
    width = pdf.epw

    def write(content: str, size: float, height: float, gap: float = 1) -> None:
        pdf.set_font(family, size=size)
        pdf.multi_cell(width, height, text(content), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    write(heading, 20, 9, 3)
    for line in intro:
        write(line, 11, 5.5)
    for section in readable(document):
        pdf.ln(3)
        write(section["title"], 16, 8, 2)
        if not section["entries"]:
            write("Nothing held.", 11, 5.5)
        for entry in section["entries"]:
            write(entry["title"], 13, 6.5)
            for name, value in entry["rows"]:
                write(f"{name}: {value}", 10, 5, 0.5)
            pdf.ln(2)
    return bytes(pdf.output())
