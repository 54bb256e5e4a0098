"""The year's archive (R22): print-ready files of a whole school year and a manifest anyone
can check.

`journal archive --year 2026/2027 -o DIR` writes, per class, in DIR/<class>/:

- the journal of every course (Журнал_<класс>_<предмет>_<год>): per period (and subgroup) the
  marks and absences by lesson date with the averages and the period mark, then the lessons'
  topics and homework; last the period and year marks of every pupil;
- the class's summary sheets (Сводная_<класс>_<год>): the сводная ведомость успеваемости of
  every period and of the year (period and year marks per pupil and subject), and a signature
  sheet (классный руководитель, заместитель директора, директор);

each as PDF (A4, pages numbered «Стр. N из M») and xlsx (the same numbering in the page
footer). Then DIR/SHA256SUMS (`sha256sum -c SHA256SUMS` checks it, as does `journal archive
verify DIR`) and DIR/manifest.json (the year, when, by whom, every file with its size and
SHA-256). Files are private to their owner (0600), never overwritten: an existing DIR with
files in it is refused. The archive leaving the system is audited (export.archive).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from exports.files import safe_filename, write_private
from exports.layout import Sheet, render
from models.core import clock
from models.core.access import Actor, require_admin
from models.core.errors import StorageError, ValidationError
from models.core.schema import now
from models.school.calendar import YearInfo, periods_for_grade, year_named
from models.school.classes import list_classes

SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
FORMATS = ("pdf", "xlsx")

Progress = Callable[[int, int, str], None]


@dataclass
class Archive:
    folder: Path
    year: str
    files: list[tuple[str, int, str]] = field(default_factory=list)  # (relative path, bytes, sha256)
    sums: str = ""  # "SHA-256 of SHA256SUMS: …", also in the audit log: the manifest's own check


@dataclass(frozen=True)
class Verdict:
    folder: Path
    checked: int
    changed: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    problem: str = ""  # the manifest itself missing or unreadable
    sums: str = ""  # the SHA-256 of SHA256SUMS, to compare with the audit log's (or the paper's)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.extra or self.problem)


def signature_sheet(class_name: str, year: str, homeroom: str) -> Sheet:
    sheet = Sheet(name="Подписи", csv_name="Подписи")
    sheet.title_rows.add(sheet.add(f"Лист подписей: журнал {class_name} класса, {year} учебный год"))
    sheet.add(f"Электронный журнал класса за {year} учебный год выведен на бумагу и сдан в архив.")
    sheet.add()
    for role, name in (
        ("Классный руководитель", homeroom or ""),
        ("Заместитель директора по УВР", ""),
        ("Директор", ""),
    ):
        sheet.add(f"{role}: ______________________ / {name or '______________________'} /")
        sheet.add("Дата: «____» ______________ 20___ г.")
        sheet.add()
    sheet.add("М. П.")
    return sheet


def _documents(actor: Actor, year: YearInfo, progress: Progress | None):
    """(class folder, file stem, sheets) of every document of the year, class by class."""
    from exports.reports import course_sheet, ledger_sheet, lessons_sheet, year_marks_sheet
    from models.journal.grid import load_grid
    from models.reports.analysis import class_analysis
    from models.reports.extracts import class_courses

    classes = list_classes(year.id)
    label = year.name.replace("/", "-")
    for i, info in enumerate(classes):
        if progress:
            progress(i, len(classes), info.name)
        periods = periods_for_grade(year.id, info.grade)
        if not periods:
            continue
        whole_year = class_analysis(actor, info.id, None)
        by_subject: dict[str, list] = {}
        for course in class_courses(actor, info.id):
            by_subject.setdefault(course.subject, []).append(course)
        for subject, courses in by_subject.items():
            sheets = []
            for course in courses:  # a subgroup's course has a journal of its own
                group = f" {course.subgroup}" if course.subgroup else ""
                for p in periods:
                    grid = load_grid(actor, course.course_id, p.id)
                    sheets.append(course_sheet(grid, year.name, f"{p.name}{group}"))
                    sheets.append(lessons_sheet(grid, year.name, f"Уроки {p.name}{group}"))
            if any(s.subject_id == courses[0].subject_id for s in whole_year.subjects):
                names = [p.name for p in periods]
                sheets.append(
                    year_marks_sheet(whole_year, courses[0].subject_id, names, year.name, "Итоговые")
                )
            yield info.name, safe_filename("Журнал", info.name, subject, label), sheets
        ledgers = [ledger_sheet(class_analysis(actor, info.id, p.id), year.name, p.name) for p in periods]
        ledgers.append(ledger_sheet(whole_year, year.name, "Год"))
        ledgers.append(signature_sheet(info.name, year.name, info.homeroom_name))
        yield info.name, safe_filename("Сводная", info.name, label), ledgers


def write_archive(
    actor: Actor, year_name: str, out: str | os.PathLike[str], progress: Progress | None = None
) -> Archive:
    """Write the year's archive into `out` (a new or empty folder); the admin (or the system)."""
    from models.people.credentials import record_export

    require_admin(actor)
    year = year_named(year_name)
    folder = Path(os.path.expanduser(str(out)))
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ValidationError(f"Папка «{folder}» не пуста: архив пишется в новую или пустую папку.")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(f"Папку «{folder}» создать не удалось: {exc.strerror or exc}.") from None
    try:
        archive = _write(actor, year, folder, progress)
    except BaseException:  # an archive is whole or absent: what was written goes
        _remove_written(folder)
        raise
    record_export(actor, "archive", f"{folder};{archive.sums}", len(archive.files))
    return archive


def _remove_written(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            path.rmdir() if path.is_dir() else path.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()


def _write(actor: Actor, year: YearInfo, folder: Path, progress: Progress | None) -> Archive:
    archive = Archive(folder, year.name)
    for class_name, stem, sheets in _documents(actor, year, progress):
        place = folder / safe_filename(class_name)
        place.mkdir(mode=0o700, exist_ok=True)
        for fmt in FORMATS:
            data = render(sheets, fmt)
            path = write_private(place / f"{stem}.{fmt}", data)
            archive.files.append(
                (path.relative_to(folder).as_posix(), len(data), hashlib.sha256(data).hexdigest())
            )
    sums = "".join(f"{digest}  {name}\n" for name, _, digest in archive.files).encode("utf-8")
    write_private(folder / SUMS, sums)
    archive.sums = f"SHA-256 {SUMS}: {hashlib.sha256(sums).hexdigest()}"
    manifest = {
        "year": year.name,
        "created": now().isoformat(timespec="seconds"),
        "today": clock.today().isoformat(),
        "by": actor.login,
        "files": [{"path": n, "bytes": b, "sha256": d} for n, b, d in archive.files],
    }
    write_private(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    return archive


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_archive(out: str | os.PathLike[str]) -> Verdict:
    """Whether every file of the archive is as its manifest says (SHA256SUMS): the files
    changed, missing, or added since. Reads files only: no database needed."""
    folder = Path(os.path.expanduser(str(out)))
    sums = folder / SUMS
    try:
        raw = sums.read_bytes()
        listed = [line.split("  ", 1) for line in raw.decode("utf-8").splitlines() if line.strip()]
    except FileNotFoundError:
        return Verdict(folder, 0, (), (), (), f"В папке «{folder}» нет {SUMS}: это не архив журнала.")
    except (OSError, UnicodeDecodeError) as exc:
        raise StorageError(f"{sums} не читается: {exc}") from None
    expected = {}
    for parts in listed:
        if len(parts) != 2 or len(parts[0]) != 64:
            return Verdict(folder, 0, (), (), (), f"{SUMS} повреждён: строка «{'  '.join(parts)[:60]}».")
        expected[parts[1]] = parts[0]
    changed, missing = [], []
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file():
            missing.append(name)
        elif _digest(path) != digest:
            changed.append(name)
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    extra = sorted(present - set(expected) - {SUMS, MANIFEST})
    digest = f"SHA-256 {SUMS}: {hashlib.sha256(raw).hexdigest()}"
    return Verdict(folder, len(expected), tuple(changed), tuple(missing), tuple(extra), sums=digest)


def archive_zip(
    actor: Actor, year_name: str, folder: Path, progress: Progress | None = None
) -> tuple[Path, Archive]:
    """The year's archive as one zip file in `folder` (the admin's own files: one file to
    fetch over SFTP or in the browser); unzipped, `journal archive verify` checks it."""
    import shutil
    import tempfile
    import zipfile

    from exports.files import free_path

    work = Path(tempfile.mkdtemp(prefix="journal-archive-"))  # 0700
    try:
        archive = write_archive(actor, year_name, work / "archive", progress)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(archive.folder.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(archive.folder).as_posix())
        name = f"{safe_filename('Архив', archive.year.replace('/', '-'))}.zip"
        target = write_private(free_path(folder, name), buffer.getvalue())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target, archive
