"""The year's archive (exports/archive.py, R22): every course's journal and every class's
summary sheets as PDF and xlsx, pages numbered, a signature sheet, a manifest anyone can check."""

from __future__ import annotations

import hashlib
import io
import json
import stat

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from exports.archive import MANIFEST, SUMS, verify_archive, write_archive
from models.core.errors import PermissionDenied, ValidationError
from models.core.schema import AuditEntry
from tests.exports.test_exports import fill
from tests.factory import SmallSchool
from tests.shared import run_journal as cli


@pytest.fixture
def school(small_sqlite) -> SmallSchool:
    fill(small_sqlite)
    return small_sqlite


def test_the_archive_holds_every_course_and_class_and_verifies(school, tmp_path):
    s = school
    folder = tmp_path / "архив"
    archive = write_archive(s.admin, "2026/2027", folder)
    names = sorted(n for n, _, _ in archive.files)
    # 5А: mathematics, Russian, English (two groups in one journal); 5Б: mathematics; and
    # each class's summary sheets, each as PDF and xlsx
    stems = sorted({n.rsplit(".", 1)[0] for n in names})
    assert stems == [
        "5А/Журнал_5А_Английский_язык_2026-2027",
        "5А/Журнал_5А_Математика_2026-2027",
        "5А/Журнал_5А_Русский_язык_2026-2027",
        "5А/Сводная_5А_2026-2027",
        "5Б/Журнал_5Б_Математика_2026-2027",
        "5Б/Сводная_5Б_2026-2027",
    ]
    assert len(names) == 2 * len(stems)
    # the manifest: every file's SHA-256 as written, in sha256sum's format too
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["year"] == "2026/2027" and len(manifest["files"]) == len(names)
    for entry in manifest["files"]:
        data = (folder / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
    sums = (folder / SUMS).read_text(encoding="utf-8").splitlines()
    assert sums[0].split("  ")[1] == manifest["files"][0]["path"]
    assert stat.S_IMODE((folder / SUMS).stat().st_mode) == 0o600
    # the summary: every period's ledger, the year's, the signature sheet; pages numbered
    book = load_workbook(io.BytesIO((folder / "5А/Сводная_5А_2026-2027.xlsx").read_bytes()))
    assert book.sheetnames == ["1 четверть", "2 четверть", "3 четверть", "4 четверть", "Год", "Подписи"]
    assert book["Год"].oddFooter.right.text == "Стр. &P из &N"
    ledger = [[c for c in row if c is not None] for row in book["1 четверть"].iter_rows(values_only=True)]
    andreev = next(r for r in ledger if "Андреев Андрей" in r)
    assert "5" in andreev  # his 1st-quarter math mark
    pdf = PdfReader(folder / "5А/Сводная_5А_2026-2027.pdf")
    pages = len(pdf.pages)
    assert f"Стр. 1 из {pages}" in pdf.pages[0].extract_text()
    assert "Лист подписей" in pdf.pages[-1].extract_text() and "Директор" in pdf.pages[-1].extract_text()
    # the course's journal: marks and lessons (topics, homework) per period, then the period
    # and year marks
    math = load_workbook(io.BytesIO((folder / "5А/Журнал_5А_Математика_2026-2027.xlsx").read_bytes()))
    assert math.sheetnames[:2] == ["1 четверть", "Уроки 1 четверть"] and math.sheetnames[-1] == "Итоговые"
    taught = [r for r in math["Уроки 2 четверть"].iter_rows(values_only=True)]
    assert ("16.11.2026", 1, "Дроби", "№ 12, 15", "да") in [tuple(x or "" for x in r) for r in taught]
    finals = [r for r in math["Итоговые"].iter_rows(values_only=True) if r[1] == "Андреев Андрей"]
    assert finals[0][2] == "5"  # his 1st-quarter mark, set by the teacher
    journal_pdf = PdfReader(folder / "5А/Журнал_5А_Математика_2026-2027.pdf")
    text = "".join(p.extract_text() for p in journal_pdf.pages)
    assert "Журнал: Математика, 5А класс" in text and "5/4" in text  # Андреев's 16 Nov
    # verified whole; audited with the manifest's own digest
    verdict = verify_archive(folder)
    assert verdict.ok and verdict.checked == len(names)
    (entry,) = AuditEntry.select().where(AuditEntry.action == "export.archive")
    assert hashlib.sha256((folder / SUMS).read_bytes()).hexdigest() in json.loads(entry.new)["target"]


def test_one_byte_changed_a_file_gone_or_added_is_found(school, tmp_path):
    s = school
    folder = tmp_path / "a"
    write_archive(s.admin, "2026/2027", folder)
    target = folder / "5Б/Сводная_5Б_2026-2027.xlsx"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    (folder / "5Б/Журнал_5Б_Математика_2026-2027.pdf").unlink()
    (folder / "5А/лишний.txt").write_text("x")
    verdict = verify_archive(folder)
    assert not verdict.ok
    assert verdict.changed == ("5Б/Сводная_5Б_2026-2027.xlsx",)
    assert verdict.missing == ("5Б/Журнал_5Б_Математика_2026-2027.pdf",)
    assert verdict.extra == ("5А/лишний.txt",)
    assert verify_archive(tmp_path).problem  # not an archive at all


def test_the_archive_is_the_admins_into_an_empty_folder(school, tmp_path):
    s = school
    with pytest.raises(PermissionDenied):
        write_archive(s.homeroom, "2026/2027", tmp_path / "x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "old.txt").write_text("x")
    with pytest.raises(ValidationError, match="не пуста"):
        write_archive(s.admin, "2026/2027", tmp_path / "full")
    with pytest.raises(ValidationError, match="нет"):
        write_archive(s.admin, "2030/2031", tmp_path / "y")
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_the_command_line_writes_closes_and_verifies(school, sqlite_store, tmp_path, capsys):
    folder = tmp_path / "arch"
    db = str(sqlite_store)
    assert cli(["archive", "--db", db, "--year", "2026/2027", "-o", str(folder), "--close"]) == 0
    assert "Архив 2026/2027: файлов 12" in capsys.readouterr().out
    assert cli(["archive", "verify", str(folder)]) == 0
    assert "Архив цел: файлов 12" in capsys.readouterr().out
    (folder / "5А/Сводная_5А_2026-2027.pdf").write_bytes(b"%PDF-1.4 forged")
    assert cli(["archive", "verify", str(folder)]) == 1
    out = capsys.readouterr()
    assert "изменён: 5А/Сводная_5А_2026-2027.pdf" in out.out and "Traceback" not in out.err
    # --close closed every period: the year reads, nothing in it changes
    from models.core.store import open_store

    open_store(db)
    from models.core.schema import Period
    from models.journal import entries

    assert all(p.closed for p in Period.select())
    with pytest.raises(ValidationError, match="закрыт"):
        entries.add_lesson(school.teacher, school.math_a, "16.11.2026")


def test_the_admins_screen_gets_one_zip_that_verifies_unzipped(school, tmp_path):
    """The admin's key (Setup → Год и периоды, A) puts the archive in «Мои файлы» as one zip."""
    import zipfile

    from exports.archive import archive_zip

    mine = tmp_path / "мои"
    mine.mkdir()
    path, archive = archive_zip(school.admin, "2026/2027", mine)
    assert path.parent == mine and path.name == "Архив_2026-2027.zip"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and not archive.folder.exists()  # no leftovers
    with zipfile.ZipFile(path) as zf:
        assert SUMS in zf.namelist() and MANIFEST in zf.namelist()
        zf.extractall(tmp_path / "unzipped")
    assert verify_archive(tmp_path / "unzipped").ok
