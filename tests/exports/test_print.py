"""What a teacher prints (issue 14): A4 PDF without an office suite, and spreadsheets whose
print setup is right — fit to the page's width, header rows and name columns on every page,
rows tall enough for their wrapped text, page breaks between pupils and weeks."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest
from pypdf import PdfReader

from exports.run import export
from tests.exports.test_exports import EVIL, filled_sqlite, out_dir  # noqa: F401 — fixtures

A4 = (595, 842)  # points, portrait
NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "loext": "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0",
}


def pages(path) -> list[str]:
    reader = PdfReader(str(path))
    for page in reader.pages:
        size = sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height))))
        assert tuple(size) == A4, f"not an A4 page: {size}"
    return [page.extract_text() for page in reader.pages]


# --- PDF ------------------------------------------------------------------------------------------


def test_the_diary_as_pdf_is_one_a4_page_per_pupil_and_week(filled_sqlite, out_dir):  # noqa: F811
    s = filled_sqlite
    [path] = export(
        s.homeroom,
        "diary",
        class_name="5А",
        date_from="09.11.2026",
        date_to="21.11.2026",
        fmt="pdf",
        out=out_dir,
    )
    text = pages(path)
    assert len(text) == 4 * 2  # four pupils, two weeks
    andreev = [t for t in text if "Дневник: Андреев Андрей, 5А класс" in t]
    assert len(andreev) == 2
    second_week = andreev[1]
    assert "Пн 16.11" in second_week and "Математика" in second_week and "5/4" in second_week
    assert "№ 12, 15" in second_week and EVIL in second_week  # text, never a formula
    assert "Пн 16.11" not in andreev[0]  # the first week's page holds the first week only


def test_report_cards_meeting_and_reports_as_pdf(filled_sqlite, out_dir):  # noqa: F811
    s = filled_sqlite
    [cards] = export(s.homeroom, "report-card", class_name="5А", fmt="pdf", out=out_dir)
    text = "\n".join(pages(cards))
    for name in ("Андреев Андрей", "Борисова Бэлла", "Васильев Василий", "Григорьева Галина"):
        assert f"Табель успеваемости: {name}, 5А класс" in text
    [one] = export(s.homeroom, "report-card", class_name="5А", pupil="2", fmt="pdf", out=out_dir)
    [card] = pages(one)
    assert "Борисова Бэлла" in card and "Андреев" not in card
    [meeting] = export(s.homeroom, "meeting", class_name="5А", fmt="pdf", out=out_dir)
    assert "К родительскому собранию: 5А класс" in pages(meeting)[0]
    [report] = export(s.homeroom, "class-report", class_name="5А", fmt="pdf", out=out_dir)
    assert "Показатели 5А класса" in pages(report)[0]


# --- spreadsheets -------------------------------------------------------------------------------


def test_xlsx_print_setup_fit_titles_and_row_heights(filled_sqlite, out_dir):  # noqa: F811
    s = filled_sqlite
    [cards] = export(s.homeroom, "report-card", class_name="5А", out=out_dir)
    ws = openpyxl.load_workbook(cards)["Табель"]
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    notes = [r for r in ws.iter_rows() if r[2].value and "мало отметок" in str(r[2].value)]
    assert notes, "a card with a too-few-marks note"
    for row in notes:  # the wrapped note gets a row tall enough (never over the next subject)
        assert (ws.row_dimensions[row[0].row].height or 0) >= 3 * 12
        assert row[2].alignment.wrap_text
    header = next(r for r in ws.iter_rows() if r[0].value == "Предмет")
    assert header[5].value == "Пропущено уроков" and header[5].alignment.wrap_text  # not clipped
    [course] = export(s.homeroom, "course", class_name="5А", subject="Математика", out=out_dir)
    journal = openpyxl.load_workbook(course).worksheets[0]
    assert journal.print_title_cols == "$A:$B"  # the names on every page
    assert journal.print_title_rows  # and the header


def ods_content(path) -> ElementTree.Element:
    with zipfile.ZipFile(path) as z:
        return ElementTree.fromstring(z.read("content.xml"))


def ods_styles(path) -> ElementTree.Element:
    with zipfile.ZipFile(path) as z:
        return ElementTree.fromstring(z.read("styles.xml"))


def test_ods_print_setup_fit_repeated_rows_columns_breaks_and_heights(filled_sqlite, out_dir):  # noqa: F811
    s = filled_sqlite
    [diary] = export(
        s.homeroom,
        "diary",
        class_name="5А",
        date_from="09.11.2026",
        date_to="21.11.2026",
        fmt="ods",
        out=out_dir,
    )
    content = ods_content(diary)
    tables = content.findall(".//table:table", NS)
    assert len(tables) == 4  # a sheet per pupil
    for table in tables:  # the column header repeats on every printed page
        header = table.find("table:table-header-rows", NS)
        assert header is not None and "Домашнее задание" in "".join(header.itertext())
    breaks = {
        st.get(f"{{{NS['style']}}}name")
        for st in content.iter(f"{{{NS['style']}}}style")
        if any(p.get(f"{{{NS['fo']}}}break-before") == "page" for p in st)
    }
    rows = tables[0].iter(f"{{{NS['table']}}}table-row")
    assert any(r.get(f"{{{NS['table']}}}style-name") in breaks for r in rows)  # the second week: a new page
    layouts = ods_content(diary).findall(".//style:page-layout-properties", NS) + ods_styles(diary).findall(
        ".//style:page-layout-properties", NS
    )
    assert any(p.get(f"{{{NS['loext']}}}scale-to-X") == "1" for p in layouts)  # fit to the page's width
    [course] = export(s.homeroom, "course", class_name="5А", subject="Математика", fmt="ods", out=out_dir)
    table = ods_content(course).find(".//table:table", NS)
    assert len(table.find("table:table-header-columns", NS)) == 2  # № and the name on every page
    [cards] = export(s.homeroom, "report-card", class_name="5А", fmt="ods", out=out_dir)
    content = ods_content(cards)
    tall = {
        st.get(f"{{{NS['style']}}}name")
        for st in content.iter(f"{{{NS['style']}}}style")
        if any(float(p.get(f"{{{NS['style']}}}row-height", "0cm")[:-2]) >= 0.9 for p in st)
    }
    card = content.find(".//table:table", NS)
    noted = [r for r in card.iter(f"{{{NS['table']}}}table-row") if "мало отметок" in "".join(r.itertext())]
    assert noted and all(r.get(f"{{{NS['table']}}}style-name") in tall for r in noted)


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_year_s_card_marks_what_the_teacher_has_not_set(filled_sqlite, out_dir, fmt):  # noqa: F811
    s = filled_sqlite
    [path] = export(s.homeroom, "report-card", class_name="5А", period="year", fmt=fmt, out=out_dir)
    data = path.read_bytes()
    text = (
        "".join(
            str(c.value) for r in openpyxl.load_workbook(io.BytesIO(data))["Табель"].iter_rows() for c in r
        )
        if fmt == "xlsx"
        else "".join(ods_content(path).itertext())
    )
    assert "(4)" in text and "В скобках — предварительная отметка за период" in text
