"""Printable sheets: rows plus a little layout, rendered to xlsx, ods or csv.

A `Sheet` is plain rows (no header row of its own, so that a title can stand above the
table) with hints: which rows are titles or headers, column widths, wrapped columns, boxed
spans, page breaks, the document's main table. Cells are escaped as exports.files escapes
them (a text starting with "=" never becomes a formula, control characters go).

xlsx is written in one pass of openpyxl with the print layout: A4, margins, fit to the
page's width, the header repeated on every page, bold titles, thin borders, page breaks.
ods is written with odfpy: column widths, bold titles and headers, borders, an A4 page
(landscape for wide sheets). csv is exports.files.export_csv (UTF-8 with BOM), one file
per sheet. openpyxl, odfpy and tablib are imported inside the functions only.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from exports.files import _ods_cell, _xlsx_cell, export_csv
from models.core.errors import ValidationError

FORMATS = ("xlsx", "ods", "csv", "pdf")
SHEET_NAME_MAX = 31  # Excel's limit
_BAD_SHEET_CHARS = re.compile(r"[\\*?:/\[\]']")


@dataclass
class Sheet:
    name: str  # the sheet's tab (made unique and ≤ 31 characters by `unique_names`)
    rows: list[list[Any]] = field(default_factory=list)
    widths: Sequence[float] = ()  # characters per column (xlsx)
    title_rows: set[int] = field(default_factory=set)  # 0-based rows set large and bold
    header_rows: set[int] = field(default_factory=set)  # bold, boxed, wrapped; repeated on each page
    # when they are one run of rows (a table's heading; not the heading of each report card)
    bold_rows: set[int] = field(default_factory=set)
    bold_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, column), 0-based
    ruled: set[int] = field(default_factory=set)  # rows with a heavier line above (a new day)
    boxed_from: int | None = None  # rows from here on get thin borders (the table itself)
    boxed_to: int | None = None  # … up to here (exclusive); None: to the last row
    boxes: list[tuple[int, int]] = field(default_factory=list)  # more boxed spans [from, to)
    # 0-based columns of long text (sized for it); every cell of the table wraps within its
    # column and its row is made tall enough, so nothing is clipped or printed over a neighbour
    wrap: set[int] = field(default_factory=set)
    breaks: list[int] = field(default_factory=list)  # a page starts at these 0-based rows
    landscape: bool = False
    freeze: str | None = None  # e.g. "C5": rows above and columns left stay in view
    csv_name: str = ""  # the part of the file name of this sheet's csv file
    main: bool = False  # the document's main table: what `-o -` (csv to stdout) writes
    fit_width: bool = True  # xlsx: scale the print to one page's width
    repeat_columns: str | None = None  # xlsx: columns printed on every page, e.g. "A:B"

    @property
    def repeated_rows(self) -> list[int]:
        """The rows printed at the top of every page: the header rows when they are one run
        (not the heading of each report card), with the title lines above them when there
        are at most three (a diary's second week still says whose it is)."""
        rows = sorted(self.header_rows)
        if not rows or rows != list(range(rows[0], rows[-1] + 1)):
            return []
        return list(range(0, rows[-1] + 1)) if rows[0] <= 3 else rows

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=1)

    def add(self, *cells: Any) -> int:
        """Append one row; returns its 0-based index."""
        self.rows.append(list(cells))
        return len(self.rows) - 1


def unique_names(names: Iterable[str]) -> list[str]:
    """Sheet names Excel and LibreOffice accept: no []:*?/\\', ≤ 31 characters, all distinct."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in names:
        base = _BAD_SHEET_CHARS.sub("-", str(raw)).strip() or "Лист"
        name = base[:SHEET_NAME_MAX]
        n = 2
        while name.lower() in seen:
            suffix = f" {n}"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
            n += 1
        seen.add(name.lower())
        out.append(name)
    return out


def _dataset(sheet: Sheet):
    import tablib

    ds = tablib.Dataset(title=sheet.name)
    width = sheet.width
    for row in sheet.rows:
        ds.append(list(row) + [None] * (width - len(row)))
    return ds


def render(sheets: list[Sheet], fmt: str) -> bytes:
    """The sheets as one xlsx or ods workbook, or an A4 PDF (csv: see render_csv)."""
    if fmt not in ("xlsx", "ods", "pdf"):
        raise ValidationError(f"Неизвестный формат файла «{fmt}»: можно xlsx, ods, csv или pdf.")
    if not sheets:
        raise ValidationError("Нечего выгружать: в таблице нет ни одного листа.")
    for sheet, name in zip(sheets, unique_names(s.name for s in sheets), strict=True):
        sheet.name = name
    if fmt == "xlsx":
        return _xlsx(sheets)
    if fmt == "pdf":
        from exports.pdf import render_pdf

        return render_pdf(sheets)
    return _ods(sheets)


def render_csv(sheet: Sheet, sep: str = ";") -> bytes:
    """One sheet as CSV for Excel: UTF-8 with BOM, formula-like text escaped, `sep` between
    columns (";" with decimal commas by default: exports.files.export_csv)."""
    return export_csv(_dataset(sheet), sep=sep)


def _xlsx(sheets: list[Sheet]) -> bytes:
    """One pass of openpyxl: cells escaped as export_databook escapes them (exports.files),
    then the print layout. (Writing through tablib and re-opening the file to lay it out
    took twice as long: a class's week of diaries must stay well under a second.)"""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    book = Workbook()
    book.remove(book.active)
    title_font = Font(bold=True, size=13)
    bold = Font(bold=True)
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ruled = Border(left=thin, right=thin, top=Side(style="medium"), bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet in sheets:
        ws = book.create_sheet(sheet.name)
        for row in sheet.rows:
            ws.append([_xlsx_cell(v) for v in row])
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if sheet.landscape else ws.ORIENTATION_PORTRAIT
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.oddFooter.right.text = "Стр. &P из &N"  # pages numbered when printed
        if sheet.fit_width:
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0  # as many pages down as needed
        if sheet.repeat_columns:
            ws.print_title_cols = sheet.repeat_columns
        ws.freeze_panes = sheet.freeze
        widths = list(sheet.widths) or _adaptive_widths(sheet)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        if sheet.repeated_rows:
            first, last = sheet.repeated_rows[0] + 1, sheet.repeated_rows[-1] + 1
            ws.print_title_rows = f"{first}:{last}"
        if not sheet.rows:
            continue
        boxed_rows = _boxed_rows(sheet)
        width = sheet.width
        for r, lines in wrapped_lines(sheet, widths).items():
            ws.row_dimensions[r + 1].height = lines * LINE_PT
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=len(sheet.rows), max_col=width)):
            boxed = r in boxed_rows
            is_title = r in sheet.title_rows
            is_header = r in sheet.header_rows
            is_bold = is_header or r in sheet.bold_rows
            for c, cell in enumerate(row):
                if is_title:
                    cell.font = title_font
                    continue
                if is_bold or (r, c) in sheet.bold_cells:
                    cell.font = bold
                if boxed or is_header:
                    cell.border = ruled if r in sheet.ruled else box
                    cell.alignment = wrap
        for r in sheet.breaks:
            if r > 0:
                ws.row_breaks.append(Break(id=r))  # the page ends after 1-based row r
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ods(sheets: list[Sheet]) -> bytes:
    """The workbook through odfpy: the cells as tablib writes them (numbers as numbers, text
    as text — never a formula), control characters removed as export_databook does, plus
    what a printed page needs: column widths, bold titles and headers, wrapped long text with
    row heights to hold it, an A4 page (landscape for the wide sheets) scaled to the page's
    width, the header rows and name columns repeated on every page, page breaks."""
    from odf.opendocument import OpenDocumentSpreadsheet

    doc = OpenDocumentSpreadsheet()
    styles = _OdsStyles(doc)
    for sheet in sheets:
        doc.spreadsheet.addElement(_ods_table(sheet, styles))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


class _OdsStyles:
    """The automatic styles of one ods workbook, shared by its sheets: a title, the eight
    cells (bold × boxed × wrapped), a portrait and a landscape A4 page, a column per width."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.auto = doc.automaticstyles
        self.title = self._cell("title", size="13pt")
        self.cells = {
            (bold, boxed, wrap): self._cell(
                f"c{int(bold)}{int(boxed)}{int(wrap)}", bold_text=bold, boxed=boxed, wrap=wrap
            )
            for bold in (False, True)
            for boxed in (False, True)
            for wrap in (False, True)
        }
        self.pages = {
            (landscape, fit): self._page(landscape, fit)
            for landscape in (False, True)
            for fit in (False, True)
        }
        self.columns: dict[float, Any] = {}
        self.rows: dict[tuple[int, bool], Any] = {}  # (lines, page break before) → row style

    def _cell(
        self, name: str, *, size: str = "", bold_text: bool = False, boxed: bool = False, wrap: bool = False
    ):
        from odf.style import Style, TableCellProperties, TextProperties

        style = Style(name=name, family="table-cell")
        if bold_text or size:
            props = {"fontweight": "bold", "fontweightasian": "bold", "fontweightcomplex": "bold"}
            if size:
                props["fontsize"] = size
            style.addElement(TextProperties(**props))
        cell_props: dict[str, str] = {}
        if boxed:
            cell_props.update(border="0.5pt solid #808080", verticalalign="top")
        if wrap:
            cell_props["wrapoption"] = "wrap"
        if cell_props:
            style.addElement(TableCellProperties(**cell_props))
        self.auto.addElement(style)
        return style

    def _page(self, landscape: bool, fit: bool):
        """The table style that puts a sheet on an A4 page, portrait or landscape; `fit`:
        scaled to one page's width, as many pages down as needed (LibreOffice's
        scale-to-X/scale-to-Y, as it writes them itself)."""
        from odf.namespaces import LOEXTNS
        from odf.style import MasterPage, PageLayout, PageLayoutProperties, Style

        key = f"{int(landscape)}{int(fit)}"
        layout = PageLayout(name=f"page{key}")
        extra = {(LOEXTNS, "scale-to-X"): "1", (LOEXTNS, "scale-to-Y"): "0"} if fit else {}
        layout.addElement(
            PageLayoutProperties(
                pagewidth="29.7cm" if landscape else "21cm",
                pageheight="21cm" if landscape else "29.7cm",
                printorientation="landscape" if landscape else "portrait",
                margin="1cm",
                qattributes=extra,
            )
        )
        self.auto.addElement(layout)
        name = ("Landscape" if landscape else "Portrait") + ("Fit" if fit else "")
        master = MasterPage(name=name, pagelayoutname=layout)
        self.doc.masterstyles.addElement(master)
        table_style = Style(name=f"table{key}", family="table", masterpagename=master)
        self.auto.addElement(table_style)
        return table_style

    def row(self, lines: int, page_break: bool):
        """A row style: the height of `lines` lines, and/or a page starting at the row."""
        key = (lines, page_break)
        if key not in self.rows:
            from odf.style import Style, TableRowProperties

            props: dict[str, str] = {}
            if lines > 1:
                props.update(rowheight=f"{lines * LINE_CM:.2f}cm", useoptimalrowheight="false")
            if page_break:
                props["breakbefore"] = "page"
            style = Style(name=f"row{lines}{int(page_break)}", family="table-row")
            style.addElement(TableRowProperties(**props))
            self.auto.addElement(style)
            self.rows[key] = style
        return self.rows[key]

    def column(self, width: float):
        if width not in self.columns:
            from odf.style import Style, TableColumnProperties

            style = Style(name=f"col{len(self.columns)}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=f"{width * 0.21:.2f}cm"))
            self.auto.addElement(style)
            self.columns[width] = style
        return self.columns[width]


def _ods_table(sheet: Sheet, styles: _OdsStyles):
    from odf.table import Table, TableColumn, TableHeaderColumns, TableHeaderRows, TableRow

    table = Table(name=sheet.name, stylename=styles.pages[(sheet.landscape, sheet.fit_width)])
    widths = list(sheet.widths) or _adaptive_widths(sheet)
    repeated = _column_count(sheet.repeat_columns)
    header_columns = TableHeaderColumns() if repeated else None
    for c, width in enumerate(widths):
        column = TableColumn(stylename=styles.column(float(width)))
        if header_columns is not None and c < repeated:
            header_columns.addElement(column)
            if c == repeated - 1 or c == len(widths) - 1:
                table.addElement(header_columns)
        else:
            table.addElement(column)
    boxed_rows = _boxed_rows(sheet)
    lines = wrapped_lines(sheet, widths)
    breaks = {r for r in sheet.breaks if r > 0}
    headers = sheet.repeated_rows
    header_group = TableHeaderRows() if headers else None
    for r, row in enumerate(sheet.rows):
        tall, page = lines.get(r, 1), r in breaks
        tr = TableRow(stylename=styles.row(tall, page)) if tall > 1 or page else TableRow()
        is_title = r in sheet.title_rows
        is_header = r in sheet.header_rows
        is_bold = is_header or r in sheet.bold_rows
        boxed = r in boxed_rows or is_header
        for c, value in enumerate(row):
            if is_title:
                style = styles.title
            else:
                wrapped = boxed
                style = styles.cells[(is_bold or (r, c) in sheet.bold_cells, boxed, wrapped)]
            tr.addElement(_ods_value(_ods_cell(value), style))
        if header_group is not None and r in headers:
            header_group.addElement(tr)  # printed at the top of every page
            if r == headers[-1]:
                table.addElement(header_group)
        else:
            table.addElement(tr)
    return table


def _column_count(span: str | None) -> int:
    """ "A:B" → 2: how many leading columns print on every page."""
    if not span:
        return 0
    last = span.split(":")[-1].strip().upper()
    count = 0
    for ch in last:
        count = count * 26 + (ord(ch) - ord("A") + 1)
    return count


def _ods_value(value: Any, style):
    """One cell: empty, a number or a text (never a formula)."""
    from odf.table import TableCell
    from odf.text import P

    if isinstance(value, bool) or value is None or value == "":
        return TableCell(stylename=style)
    if isinstance(value, int | float):
        cell = TableCell(stylename=style, valuetype="float", value=value)
    else:
        cell = TableCell(stylename=style, valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


LINE_PT = 12.75  # one line of 10–11 pt text, in points (xlsx row heights)
LINE_CM = 0.45  # the same in centimetres (ods)


def wrapped_lines(sheet: Sheet, widths: Sequence[float]) -> dict[int, int]:
    """Rows of the table that need more than one line, and how many, at about one character
    per unit of column width. Printed with that height, a long reason, note or teacher's
    name never runs over the next row."""
    boxed = _boxed_rows(sheet)
    out: dict[int, int] = {}
    for r, row in enumerate(sheet.rows):
        header = r in sheet.header_rows
        if r in sheet.title_rows or not (header or r in boxed):
            continue
        lines = 1
        for c, value in enumerate(row):
            if value is None or c >= len(widths):
                continue
            room = max(1, int(float(widths[c]) - 1.5))
            here = sum(max(1, -(-len(part) // room)) for part in str(value).split("\n"))
            lines = max(lines, here)
        if lines > 1:
            out[r] = lines
    return out


def _boxed_rows(sheet: Sheet) -> set[int]:
    rows: set[int] = set()
    if sheet.boxed_from is not None:
        last = len(sheet.rows) if sheet.boxed_to is None else sheet.boxed_to
        rows.update(range(sheet.boxed_from, last))
    for a, b in sheet.boxes:
        rows.update(range(a, b))
    return rows


def _adaptive_widths(sheet: Sheet) -> list[float]:
    """As wide as the longest text of each column (titles left out: they overflow)."""
    widths = [4.0] * sheet.width
    for r, row in enumerate(sheet.rows):
        if r in sheet.title_rows:
            continue
        for c, value in enumerate(row):
            if value is not None:
                widths[c] = max(widths[c], min(60.0, len(str(value)) + 2.0))
    return widths
