"""Sheets as an A4 PDF to print, with no office suite: fpdf2 and an open Cyrillic font.

The same `Sheet` the spreadsheets are made of (exports.layout) is laid out on paper:

- every sheet starts a page (a pupil's diary, a pupil's report card), and so does every row
  in `breaks` (a new week of the diary): one paper-diary page per pupil and week;
- title rows large and bold, the lines outside the table as paragraphs across the page;
- the table (the boxed rows) with thin borders, columns in the sheet's proportions scaled
  to the page's width, every cell's text wrapped inside its cell (nothing prints over the
  next row), header rows bold and repeated at the top of each page;
- landscape sheets on landscape pages.

The font is Source Sans Pro (SIL Open Font License), installed with the project as the
`font-source-sans-pro` package; fpdf2 embeds only the letters used. fpdf2 is imported
inside the functions: importing this module costs the app's start nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fpdf import FPDF

    from exports.layout import Sheet

FONT = "Sans"
BASE_PT = 9.0
TITLE_PT = 13.0
MARGIN_MM = 10.0
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def font_files() -> tuple[Path, Path]:
    """(regular, bold) TrueType files of the bundled font."""
    import font_source_sans_pro

    folder = Path(font_source_sans_pro.font_directory)
    return folder / "SourceSansPro-Regular.ttf", folder / "SourceSansPro-Bold.ttf"


def new_document() -> FPDF:
    """An empty A4 document with the font registered, pages broken automatically and
    numbered at the foot («Стр. 3 из 12»)."""
    from fpdf import FPDF

    class Numbered(FPDF):
        def footer(self) -> None:
            self.set_y(-MARGIN_MM + 2)
            self.set_font(FONT, "", BASE_PT - 2)
            self.cell(0, 4, f"Стр. {self.page_no()} из {{nb}}", align="R")

    pdf = Numbered(orientation="P", unit="mm", format="A4")
    regular, bold = font_files()
    pdf.add_font(FONT, "", str(regular))
    pdf.add_font(FONT, "B", str(bold))
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM)
    pdf.set_creator("Электронный журнал")
    pdf.set_font(FONT, size=BASE_PT)
    return pdf


def text_of(value: Any) -> str:
    """A cell as printed: numbers with a decimal comma, dates as ДД.ММ.ГГГГ, no control characters."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float | Decimal):
        text = f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
        return text.replace(".", ",")
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return _CONTROL.sub("", str(value))


def render_pdf(sheets: list[Sheet]) -> bytes:
    """The sheets as one PDF: each sheet from a new page."""
    pdf = new_document()
    for sheet in sheets:
        _sheet(pdf, sheet)
    return bytes(pdf.output())


def _runs(sheet: Sheet) -> list[tuple[str, int, int]]:
    """The sheet cut into ("text" | "table", first row, end row) runs, also at page breaks."""
    from exports.layout import _boxed_rows

    boxed = _boxed_rows(sheet)
    cuts = set(sheet.breaks)
    runs: list[tuple[str, int, int]] = []
    start = 0
    for r in range(1, len(sheet.rows) + 1):
        if r == len(sheet.rows) or (r in boxed) != (start in boxed) or r in cuts:
            runs.append(("table" if start in boxed else "text", start, r))
            start = r
    return runs


UNIT_MM = 1.9  # a spreadsheet column width unit (a character) on paper at BASE_PT


def _column_groups(sheet: Sheet, widths: list[float], page_mm: float) -> list[list[int]]:
    """The columns of each page across: all of them when they fit the page's width at
    their size; else the repeated name columns (`repeat_columns`, "A:B") and as many of
    the others as fit, page after page (a quarter's lessons of a course journal)."""
    if sum(widths) * UNIT_MM <= page_mm * 1.35:  # a little narrower still reads well
        return [list(range(len(widths)))]
    keep = 0
    if sheet.repeat_columns:
        last = sheet.repeat_columns.split(":")[-1]
        keep = ord(last.upper()) - ord("A") + 1
    fixed = list(range(keep))
    room = page_mm * 1.35 - sum(widths[c] for c in fixed) * UNIT_MM
    groups: list[list[int]] = []
    current: list[int] = []
    used = 0.0
    for c in range(keep, len(widths)):
        need = widths[c] * UNIT_MM
        if current and used + need > room:
            groups.append(fixed + current)
            current, used = [], 0.0
        current.append(c)
        used += need
    if current:
        groups.append(fixed + current)
    return groups


def _sheet(pdf: FPDF, sheet: Sheet) -> None:
    from exports.layout import _adaptive_widths

    orientation = "L" if sheet.landscape else "P"
    pdf.add_page(orientation=orientation)
    widths = [float(w) for w in (list(sheet.widths) or _adaptive_widths(sheet))]
    width = sheet.width
    widths = (widths + [8.0] * width)[:width]
    repeated = sheet.repeated_rows
    headers = [r for r in repeated if r in sheet.header_rows]
    titles = [r for r in repeated if r not in sheet.header_rows]
    for i, columns in enumerate(_column_groups(sheet, widths, pdf.epw)):
        if i:
            pdf.add_page(orientation=orientation)
        for kind, first, end in _runs(sheet):
            if first in sheet.breaks and first > 0:
                pdf.add_page(orientation=orientation)
                if titles:  # whose page this is, again
                    _paragraphs(pdf, sheet, titles[0], titles[-1] + 1)
            if kind == "text":
                _paragraphs(pdf, sheet, first, end)
            else:
                rows = list(range(first, end))
                repeat = [h for h in headers if h < first] if headers and first > headers[-1] else []
                _table(pdf, sheet, repeat + rows, widths, columns)


def _paragraphs(pdf: FPDF, sheet: Sheet, first: int, end: int) -> None:
    for r in range(first, end):
        text = "   ".join(t for t in (text_of(v) for v in sheet.rows[r]) if t)
        if r in sheet.title_rows:
            pdf.set_font(FONT, "B", TITLE_PT)
        elif r in sheet.bold_rows or r in sheet.header_rows:
            pdf.set_font(FONT, "B", BASE_PT)
        else:
            pdf.set_font(FONT, "", BASE_PT)
        height = pdf.font_size * 1.45
        if text:
            pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(height * 0.6)
    pdf.set_font(FONT, "", BASE_PT)


def _table(pdf: FPDF, sheet: Sheet, rows: list[int], widths: list[float], columns: list[int]) -> None:
    from fpdf.fonts import FontFace

    heading_rows = 0
    while heading_rows < len(rows) and rows[heading_rows] in sheet.header_rows:
        heading_rows += 1
    pdf.set_font(FONT, "", BASE_PT)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=[widths[c] for c in columns],
        width=pdf.epw,
        align="LEFT",
        v_align="TOP",
        text_align="LEFT",
        line_height=pdf.font_size * 1.3,
        first_row_as_headings=heading_rows > 0,
        num_heading_rows=max(1, heading_rows),
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
        repeat_headings=1,
        padding=0.8,
        wrapmode="WORD",
    ) as table:
        for r in rows:
            values = list(sheet.rows[r]) + [None] * (sheet.width - len(sheet.rows[r]))
            row = table.row(style=bold if r in sheet.bold_rows else None)
            for c in columns:
                row.cell(text_of(values[c]), style=bold if (r, c) in sheet.bold_cells else None)
    pdf.ln(1.5)
