"""Pilot workflows of the export screen: an export runs in a worker with a progress bar and
says where the file is; Esc stops a whole-school export between classes."""

from __future__ import annotations

import threading

import openpyxl
import pytest
from textual.widgets import Input, ProgressBar, Static

import tui.screens.exports as screen_module
from models.core.schema import AuditEntry
from tests.exports.test_exports import fill
from tests.shared import open_as
from tui.app import JournalApp
from tui.registry import SECTIONS
from tui.screens.exports import ExportScreen

SIZE = (80, 24)


@pytest.fixture
def export_dir(tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    monkeypatch.setenv("JOURNAL_EXPORT_DIR", str(folder))
    return folder


async def open_exports(app, pilot, login: str, password: str) -> ExportScreen:
    return await open_as(app, pilot, login, password, ExportScreen)


def mine(root, actor):
    """A user's own folder under the exports root (exports.paths.user_folder)."""
    return root / f"user-{actor.user_id}"


def files_of(root, actor) -> list[str]:
    return sorted(p.name for p in mine(root, actor).iterdir() if p.is_file())


def status(screen: ExportScreen) -> str:
    return str(screen.query_one("#export-status", Static).render())


async def finish(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def test_the_section_is_registered():
    section = SECTIONS["exports"]
    assert section.keys == "e,у,E,У" and section.screen == "tui.screens.exports:ExportScreen"


async def test_diary_extract_from_the_screen(small_sqlite, export_dir):
    s = small_sqlite
    fill(s)
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exports(app, pilot, "ivanova", s.passwords["ivanova"])
        assert screen.chosen("kind") == "diary"
        assert screen.chosen("class") == str(s.class_a)
        assert screen.query_one("#from", Input).value == "16.11.2026"
        assert screen.query_one("#to", Input).value == "21.11.2026"
        pupils = [label for label, _ in screen.pick("pupil")._options]
        assert "Андреев Андрей" in "".join(str(p) for p in pupils)
        screen.pick("pupil").value = str(s.pupils[0])
        await pilot.press("ctrl+s")
        await finish(app, pilot)
        path = mine(export_dir, s.homeroom) / "Дневник_5А_Андреев_Андрей_2026-11-16_2026-11-21.xlsx"
        assert status(screen) == f"Готово: {path.name}.\nФайл: {path}"  # run on one's own computer
        assert screen.last_paths == [path]
        assert screen.query_one(ProgressBar).has_class("hidden")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Андреев Андрей"]
    assert book.worksheets[0].cell(4, 5).value == "5/4"
    assert AuditEntry.select().where(AuditEntry.action == "export.diary").count() == 1


async def test_whole_school_with_progress(small_sqlite, export_dir):
    s = small_sqlite
    fill(s)
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exports(app, pilot, "admin", s.passwords["admin"])
        screen.pick("kind").value = "course"
        await pilot.pause()
        screen.pick("class").value = "all"
        await pilot.pause()
        assert [v for _, v in screen.pick("subject")._options] == [
            "Английский язык",
            "Математика",
            "Русский язык",
        ]
        screen.pick("kind").value = "report-card"
        await pilot.pause()
        assert [v for _, v in screen.pick("class")._options][-1] == "all"
        screen.pick("class").value = "all"
        await pilot.pause()
        screen.pick("format").value = "ods"
        seen = []
        real = screen.show_progress

        def spy(done, total, label):
            seen.append((done, total, label))
            real(done, total, label)

        screen.show_progress = spy
        await pilot.press("f5")
        await finish(app, pilot)
        assert seen == [(0, 2, "5А"), (1, 2, "5Б"), (2, 2, "")]
        bar = screen.query_one(ProgressBar)
        assert (bar.total, bar.progress) == (2, 2)
        folder = mine(export_dir, s.admin)
        assert (
            status(screen) == f"Готово. Файлов: 2.\nФайлы — в «{folder}» (F2): там у каждого способ скачать."
        )
    assert files_of(export_dir, s.admin) == [
        "Табель_5А_2_четверть_2026-2027.ods",
        "Табель_5Б_2_четверть_2026-2027.ods",
    ]


async def test_escape_stops_a_long_export(small_sqlite, export_dir, monkeypatch):
    s = small_sqlite
    fill(s)
    started = threading.Event()
    real_export = screen_module.export

    def slow_export(actor, kind, *, progress, cancel, **kwargs):
        def held(done, total, label):
            progress(done, total, label)
            if done == 0:  # the first class is under way: wait until the user presses Esc
                started.set()
                cancel.wait(10)

        return real_export(actor, kind, progress=held, cancel=cancel, **kwargs)

    monkeypatch.setattr(screen_module, "export", slow_export)
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exports(app, pilot, "admin", s.passwords["admin"])
        screen.pick("kind").value = "report-card"
        await pilot.pause()
        screen.pick("class").value = "all"
        await pilot.pause()
        await pilot.press("ctrl+s")
        for _ in range(200):
            if started.is_set():
                break
            await pilot.pause(0.02)
        assert started.is_set() and screen.running
        assert not screen.query_one(ProgressBar).has_class("hidden")
        await pilot.press("escape")  # stops the export after this class; the screen stays
        await finish(app, pilot)
        assert app.screen is screen
        assert status(screen).startswith("Выгрузка прервана. Записано файлов: 1.\nФайл: ")
        await pilot.press("escape")  # now Esc goes back
        await pilot.pause()
        assert app.screen is not screen
    assert files_of(export_dir, s.admin) == ["Табель_5А_2_четверть_2026-2027.xlsx"]


async def test_a_refused_export_says_why(small_sqlite, export_dir):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exports(app, pilot, "ivanova", s.passwords["ivanova"])
        screen.query_one("#from", Input).value = "21.11.2026"
        screen.query_one("#to", Input).value = "16.11.2026"
        await pilot.press("ctrl+s")
        await finish(app, pilot)
        assert status(screen) == "Неверный промежуток: начало 21.11.2026 позже конца 16.11.2026."
        assert screen.query_one("#export-status", Static).has_class("error")
        assert not screen.running


async def test_a_subject_teacher_exports_a_course_journal(small_sqlite, export_dir):
    s = small_sqlite
    fill(s)
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exports(app, pilot, "petrov", s.passwords["petrov"])
        kinds = [v for _, v in screen.pick("kind")._options]
        assert kinds == ["course", "plan"]  # keeps no class: the journals and КТП of own courses
        classes = [str(label) for label, _ in screen.pick("class")._options]
        assert classes == ["5А", "5Б"]
        assert screen.chosen("subject") in ("Английский язык", "Математика")
        screen.pick("subject").value = "Математика"
        await pilot.press("ctrl+s")
        await finish(app, pilot)
    assert files_of(export_dir, s.teacher) == ["Журнал_5А_Математика_2_четверть_2026-2027.xlsx"]
