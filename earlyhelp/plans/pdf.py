"""The family copy of the plan as a PDF, built with fpdf2: the same plain words as the family
copy page, in large clear type, for a parent to keep or to be sent by email.

Like the subject access PDF it uses a Unicode TrueType font when the machine has one (names are
not all Latin-1), found by `subject_access.pdf.unicode_font`; with none, the built-in Helvetica
is used and characters it cannot show are transliterated."""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.dateformat import format as date_format
from fpdf import FPDF

from earlyhelp.subject_access.pdf import unicode_font

CLOSING = (
    "If something is not right, or things change, tell your lead worker. We will look at the "
    "plan together again at the next review."
)


@dataclass(frozen=True)
class FamilyCopy:
    """What the family copy says, for the page and the PDF alike."""

    council_name: str
    family_name: str
    agreed_on: date | None
    lead_name: str
    needs: list[dict[str, Any]]

    @property
    def closing(self) -> str:
        return CLOSING

    @property
    def intro(self) -> list[str]:
        lines = [f"This is the plan we made together for {self.family_name}."]
        if self.agreed_on:
            lines[0] += f" We agreed it on {date_format(self.agreed_on, 'j F Y')}."
        else:
            lines[0] += " We have not agreed it yet: it may still change."
        if self.lead_name:
            lines.append(
                f"Your lead worker is {self.lead_name}. "
                "They are the person to talk to about this plan."
            )
        return lines


def _latin1(text: str) -> str:
    """Helvetica's characters only: accents dropped, anything else a question mark."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.encode("latin-1", "replace").decode("latin-1")


def _same(text: str) -> str:
    return text


def _bold_beside(regular: Path) -> Path | None:
    """The bold face next to a regular font file (DejaVuSans-Bold.ttf, LiberationSans-Bold.ttf)."""
    stem = regular.stem.removesuffix("-Regular")
    candidate = regular.with_name(f"{stem}-Bold{regular.suffix}")
    return candidate if candidate.is_file() else None


def family_copy_pdf(
    copy: FamilyCopy, *, font: Path | bool | None = True, compress: bool = True
) -> bytes:
    """`font=True`: find a Unicode font; a Path: use it; None/False: Helvetica only."""
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(f"Our family plan: {copy.family_name}")
    pdf.set_author(copy.council_name)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    font_path = unicode_font() if font is True else (font or None)
    text: Callable[[str], str] = _latin1
    family, bold, bullet = "Helvetica", "B", "-"
    if font_path is not None:
        pdf.add_font("Body", "", str(font_path))
        bold_path = _bold_beside(font_path)
        if bold_path is not None:
            pdf.add_font("Body", "B", str(bold_path))
        else:
            bold = ""
        family, text, bullet = "Body", _same, "\u2022"
    pdf.add_page()
    width = pdf.epw

    def write(content: str, size: float, *, strong: bool = False, gap: float = 2) -> None:
        pdf.set_font(family, bold if strong else "", size=size)
        pdf.multi_cell(width, size * 0.5, text(content), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def item(content: str, size: float) -> None:
        pdf.set_font(family, "", size=size)
        indent = 7
        pdf.cell(indent, size * 0.5, text(bullet))
        pdf.multi_cell(
            width - indent, size * 0.5, text(content), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(1.5)

    write(f"{copy.council_name}: early help", 12, strong=True)
    write("Our family plan", 26, strong=True, gap=4)
    for line in copy.intro:
        write(line, 14)
    for number, need in enumerate(copy.needs, start=1):
        pdf.ln(4)
        y = pdf.get_y()
        pdf.line(pdf.l_margin, y, pdf.l_margin + width, y)
        pdf.ln(3)
        title = need["need"] if len(need["need"]) <= 70 else need["need"][:69] + "\u2026"
        write(f"{number}. {title}", 18, strong=True, gap=3)
        write("What we are worried about", 15, strong=True, gap=1)
        write(need["need"], 14)
        write("What we want to be different", 15, strong=True, gap=1)
        write(need["outcome"], 14)
        write("Who will do what, by when", 15, strong=True, gap=1)
        if not need["actions"]:
            write("We have not decided this yet.", 14)
        for action in need["actions"]:
            done = " This is done." if action["status"] == "Done" else ""
            what = action["description"].rstrip(". ")
            item(f"{action['who']}: {what}.\nBy {action['by_when']}.{done}", 14)
    if not copy.needs:
        write("The plan is empty so far.", 14)
    pdf.ln(4)
    write(CLOSING, 14)
    return bytes(pdf.output())
