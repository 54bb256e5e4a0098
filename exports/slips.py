"""Diary credential slips (R2, R3, R19): one cut-out block per person, with a short guide.

Each slip names the one person it is for, their login, the one-time password, where to
connect and that the password must be changed at the first login, followed by a guardian's
guide to the diary (R3). The password is printed here and nowhere else: it is never stored
in clear, logged or exported otherwise.

Layout: one sheet, one row per line of a slip, slips separated by a cut line. In xlsx the
login and password are set large in a monospaced font, and pages break between slips
(SLIPS_PER_PAGE to an A4 page), so a slip is never split across two sheets of paper.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from exports.files import FORMATS, export_databook, write_private
from models.core import clock
from models.core.access import GUARDIAN, ROLE_NAMES, STUDENT
from models.core.errors import ValidationError

if TYPE_CHECKING:
    import tablib

    from models.people.accounts import IssuedCredential

SLIPS_PER_PAGE = 2
SLIP_FORMATS = ("pdf", *FORMATS)
CUT_LINE = "✂ " + "- " * 40
SHEET_TITLE = "Реквизиты {class_name}"
CUT_HERE = "линия отреза"

# The wording of the slips, in one place.
TITLE = "Электронный дневник — {school}, класс {class_name}"
STAFF_TITLE = "Электронный журнал — {school}"
FOR = "Для: {person} — {role}"
LOGIN = "Логин: {login}"
PASSWORD = "Пароль: {password}  (одноразовый)"
CONNECT = "Вход: {hint}"
ISSUED = "Выдано: {day:%d.%m.%Y}"
CHANGE = "При первом входе нужно сменить пароль на свой."
ROLE_GUARDIAN_OF = "родитель учащегося {pupil}"
ROLE_GUARDIAN = "родитель учащегося {class_name} класса"
ROLE_STUDENT = "учащийся {class_name} класса"
GUIDE_TITLE = {GUARDIAN: "Памятка для родителей:", STUDENT: "Памятка:"}

# The guide follows the diary screen's keys (tui/diary.py): keep the two in step.
_GUIDE = [
    (None, "Подключитесь, как указано в строке «Вход», введите логин и пароль."),
    (None, "При первом входе придумайте свой пароль: не короче 8 знаков."),
    (None, "Дневник открывается на текущей неделе: уроки, оценки, пропуски, задания."),
    (None, "Стрелки ← и → листают недели, Home — текущая неделя, Ctrl+Q — выход."),
    (None, "M (Ь) — оценки и средний балл за четверть (полугодие), P (З) — другой период."),
    (GUARDIAN, "Tab — переключиться на другого ребёнка, если детей в школе несколько."),
    (None, "Каждый просмотр дневника записывается и виден классному руководителю."),
    (None, "Никому не передавайте пароль. Забыли — новый выдаст классный руководитель."),
]


def guide_lines(role: str = GUARDIAN) -> list[str]:
    """The short guide to the diary (R3), numbered, for a guardian (default) or a pupil."""
    lines = [text for only, text in _GUIDE if only is None or only == role]
    return [f"{n}. {text}" for n, text in enumerate(lines, start=1)]


def _role_text(cred: IssuedCredential, class_name: str, pupil: str | None) -> str:
    if cred.role == GUARDIAN:
        if pupil:
            return ROLE_GUARDIAN_OF.format(pupil=pupil)
        return ROLE_GUARDIAN.format(class_name=class_name)
    if cred.role == STUDENT:
        return ROLE_STUDENT.format(class_name=class_name)
    return ROLE_NAMES.get(cred.role, cred.role)


def slip_lines(
    cred: IssuedCredential,
    *,
    school: str,
    class_name: str,
    connect_hint: str,
    pupil: str | None = None,
    issued: dt.date | None = None,
    staff_hint: str = "",
) -> list[str]:
    """The lines of one person's slip (also usable to show the slip on screen).

    `connect_hint` may hold "{login}", replaced by the person's login:
    "ssh -p 2222 {login}@school-server" → "ssh -p 2222 andreeva.o@school-server".
    A staff member's slip (the journal, not the diary) has no class and no diary guide.
    """
    if cred.role not in (GUARDIAN, STUDENT):
        return [
            STAFF_TITLE.format(school=school),
            FOR.format(person=cred.person, role=_role_text(cred, class_name, pupil)),
            LOGIN.format(login=cred.login),
            PASSWORD.format(password=cred.password),
            CONNECT.format(hint=(staff_hint or connect_hint).replace("{login}", cred.login)),
            CHANGE,
            ISSUED.format(day=issued or clock.today()),
        ]
    return [
        TITLE.format(school=school, class_name=class_name),
        FOR.format(person=cred.person, role=_role_text(cred, class_name, pupil)),
        LOGIN.format(login=cred.login),
        PASSWORD.format(password=cred.password),
        CONNECT.format(hint=connect_hint.replace("{login}", cred.login)),
        CHANGE,
        ISSUED.format(day=issued or clock.today()),
        "",
        GUIDE_TITLE.get(cred.role, GUIDE_TITLE[GUARDIAN]),
        *guide_lines(STUDENT if cred.role == STUDENT else GUARDIAN),
    ]


_SEPARATOR = ["", CUT_LINE, ""]
_LOGIN_OFFSET, _PASSWORD_OFFSET = 2, 3  # rows within a slip set large and monospaced
_PAGE_CHARS = 95  # characters of the default font across A4 portrait with 0.5" margins
_SECRET_WIDTH = 1.7  # a 14 pt Courier letter in widths of the default font's


def _check(credentials: list[IssuedCredential], connect_hint: str) -> None:
    if not credentials:
        raise ValidationError("Нет реквизитов для печати.")
    if not connect_hint.strip():
        raise ValidationError("Укажите, как подключиться к дневнику (адрес сервера).")
    seen: set[int] = set()
    for cred in credentials:
        if not cred.person.strip():
            raise ValidationError(f"У реквизитов «{cred.login}» не указано, для кого они.")
        if cred.user_id in seen:
            raise ValidationError(f"Реквизиты «{cred.login}» повторяются: один бланк на человека.")
        seen.add(cred.user_id)


def _blocks(
    credentials: Iterable[IssuedCredential],
    *,
    school: str,
    class_name: str,
    connect_hint: str,
    pupils: Mapping[int, str] | None,
    issued: dt.date | None,
    staff_hint: str = "",
) -> list[list[str]]:
    pupils = pupils or {}
    return [
        slip_lines(
            cred,
            school=school,
            class_name=class_name,
            connect_hint=connect_hint,
            pupil=pupils.get(cred.user_id),
            issued=issued,
            staff_hint=staff_hint,
        )
        for cred in credentials
    ]


def _starts(blocks: list[list[str]]) -> list[int]:
    """The sheet row (1-based) where each slip begins."""
    starts, row = [], 1
    for i, block in enumerate(blocks):
        if i:
            row += len(_SEPARATOR)
        starts.append(row)
        row += len(block)
    return starts


def _book(blocks: list[list[str]], class_name: str) -> tablib.Databook:
    import tablib

    sheet = tablib.Dataset(title=SHEET_TITLE.format(class_name=class_name))
    for i, block in enumerate(blocks):
        if i:
            for line in _SEPARATOR:
                sheet.append([line])
        for line in block:
            sheet.append([line])
    return tablib.Databook([sheet])


def build_slips(
    credentials: list[IssuedCredential],
    *,
    school: str,
    class_name: str,
    connect_hint: str,
    pupils: Mapping[int, str] | None = None,
    issued: dt.date | None = None,
) -> tablib.Databook:
    """One sheet: the slips one after another, a row per line, a cut line between slips.

    `pupils` maps a guardian's user_id to the child's name, shown as "родитель учащегося …";
    `issued` defaults to today (models.core.clock).
    """
    _check(credentials, connect_hint)
    blocks = _blocks(
        credentials,
        school=school,
        class_name=class_name,
        connect_hint=connect_hint,
        pupils=pupils,
        issued=issued,
    )
    return _book(blocks, class_name)


def _print_layout(data: bytes, starts: list[int]) -> bytes:
    """A4 portrait, login/password large and monospaced, page breaks between slips."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.pagebreak import Break

    book = load_workbook(io.BytesIO(data))
    ws = book.worksheets[0]
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    title_font = Font(bold=True, size=12)
    for_font = Font(bold=True)
    secret_font = Font(name="Courier New", bold=True, size=14)
    secret_rows = {first + k for first in starts for k in (_LOGIN_OFFSET, _PASSWORD_OFFSET)}
    width = 0.0
    for (cell,) in ws.iter_rows(min_col=1, max_col=1):
        chars = len(str(cell.value or ""))
        width = max(width, chars * (_SECRET_WIDTH if cell.row in secret_rows else 1.1))
    width += 2  # bold and wide letters: better a little room than text cut at the edge
    ws.column_dimensions["A"].width = width
    if width > _PAGE_CHARS:
        ws.page_setup.scale = max(50, int(_PAGE_CHARS * 100 / width))
    for i, first in enumerate(starts):
        ws.cell(first, 1).font = title_font
        ws.cell(first + 1, 1).font = for_font
        ws.cell(first + _LOGIN_OFFSET, 1).font = secret_font
        ws.cell(first + _PASSWORD_OFFSET, 1).font = secret_font
        if i and i % SLIPS_PER_PAGE == 0:
            ws.row_breaks.append(Break(id=first - 1))  # the page ends after row first-1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_slips(
    path: str | os.PathLike[str],
    credentials: list[IssuedCredential],
    fmt: str = "xlsx",
    *,
    school: str,
    class_name: str,
    connect_hint: str,
    pupils: Mapping[int, str] | None = None,
    issued: dt.date | None = None,
    staff_hint: str = "",
) -> Path:
    """Write the slips to a new private file (0600, never overwriting); returns its path.
    `connect_hint` is how pupils and guardians connect, `staff_hint` (if given) how staff do.

    Raises ValidationError (no credentials, no connect hint, file exists, unknown format)
    or StorageError (disk full, no rights), with nothing left half-written.
    """
    if fmt not in SLIP_FORMATS:
        raise ValidationError(f"Неизвестный формат файла «{fmt}»: можно pdf, xlsx или ods.")
    _check(credentials, connect_hint)
    blocks = _blocks(
        credentials,
        school=school,
        class_name=class_name,
        connect_hint=connect_hint,
        pupils=pupils,
        issued=issued,
        staff_hint=staff_hint,
    )
    if fmt == "pdf":
        return write_private(path, _pdf(blocks))
    data = export_databook(_book(blocks, class_name), fmt)
    if fmt == "xlsx":
        data = _print_layout(data, _starts(blocks))
    return write_private(path, data)


def _pdf(blocks: list[list[str]]) -> bytes:
    """A4 pages of SLIPS_PER_PAGE slips each, cut lines between them; the login and the
    password large and bold (the password's letters are chosen unambiguous:
    models.people.passwords), the rest as in the spreadsheet."""
    from exports.pdf import BASE_PT, FONT, new_document

    pdf = new_document()
    pdf.set_auto_page_break(False)
    slot = (pdf.h - 2 * pdf.t_margin) / SLIPS_PER_PAGE
    for i, block in enumerate(blocks):
        if i % SLIPS_PER_PAGE == 0:
            pdf.add_page()
        top = pdf.t_margin + (i % SLIPS_PER_PAGE) * slot
        if i % SLIPS_PER_PAGE:  # a dashed cut line (the font has no scissors)
            pdf.set_font(FONT, "", BASE_PT - 1)
            pdf.set_dash_pattern(dash=2, gap=1.5)
            pdf.line(pdf.l_margin, top - 2, pdf.w - pdf.r_margin, top - 2)
            pdf.set_dash_pattern()
            pdf.set_xy(pdf.l_margin, top - 1.5)
            pdf.cell(0, 3, CUT_HERE)
        pdf.set_xy(pdf.l_margin, top + 2)
        for k, line in enumerate(block):
            if k == 0:
                pdf.set_font(FONT, "B", 13)
            elif k in (_LOGIN_OFFSET, _PASSWORD_OFFSET):
                pdf.set_font(FONT, "B", 16)
            elif k == 1:
                pdf.set_font(FONT, "B", 11)
            else:
                pdf.set_font(FONT, "", 10.5)
            height = pdf.font_size * 1.5
            if line:
                pdf.multi_cell(0, height, line, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(height / 2)
    return bytes(pdf.output())
