"""Files reaching the person who asked for them (issue 14): each user's own folder, SFTP and
scp in `journal serve ssh` with a real asyncssh client on 127.0.0.1, the inbox for imports,
files expiring, and the «Мои файлы» screen."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import asyncssh
import pytest
from textual import events
from textual.widgets import Select, Static

import tui.app as tui_app
from exports.paths import fetch_command, list_files, purge_expired, tidy, user_folder
from exports.run import export
from models.core.schema import AuditEntry
from models.people import accounts
from models.school.identity import update_setting
from tests.exports.test_exports import fill
from tests.exports.test_import import HEADERS as ROSTER_HEADERS
from tests.exports.test_import import ROWS as ROSTER_ROWS
from tests.exports.test_import import ods_bytes
from tests.shared import notifications, open_as, table_rows
from tests.system.test_ssh import connect, make_server, server  # noqa: F401 — fixtures
from tui.app import JournalApp

pytestmark = pytest.mark.slow
SIZE = (80, 24)


@pytest.fixture
def root(tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    monkeypatch.setenv("JOURNAL_EXPORT_DIR", str(folder))
    return folder


def audits(action: str) -> list[dict]:
    rows = AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id)
    return [json.loads(r.new) | {"user": r.user_id} for r in rows]


# --- the folders ---------------------------------------------------------------------------------


def test_each_user_has_a_private_folder_and_an_export_lands_there(small_sqlite, root):
    s = small_sqlite
    fill(s)
    [path] = export(s.homeroom, "report-card", class_name="5А")
    folder = root / f"user-{s.homeroom.user_id}"
    assert path.parent == folder
    for private in (root, folder, folder / "inbox"):
        assert stat.S_IMODE(private.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [f.name for f in list_files(s.homeroom.user_id)] == [path.name]
    assert list_files(s.teacher.user_id) == []  # nobody else's


def test_files_expire_after_the_school_setting_and_slips_after_a_day(small_sqlite, root):
    s = small_sqlite
    folder = user_folder(s.homeroom.user_id)
    old, fresh, slip = folder / "Табель_old.xlsx", folder / "Табель_new.xlsx", folder / "Реквизиты_5А.xlsx"
    upload = folder / "inbox" / "список.xlsx"
    for f in (old, fresh, slip, upload):
        f.write_bytes(b"x")
    now = dt.datetime.now()
    days_ago = lambda n: (now - dt.timedelta(days=n)).timestamp()  # noqa: E731
    os.utime(old, (days_ago(8), days_ago(8)))
    os.utime(fresh, (days_ago(6), days_ago(6)))
    os.utime(slip, (days_ago(1.5), days_ago(1.5)))
    os.utime(upload, (days_ago(10), days_ago(10)))
    removed = purge_expired(7)
    assert sorted(p.name for p in removed) == ["Реквизиты_5А.xlsx", "Табель_old.xlsx", "список.xlsx"]
    assert [f.name for f in list_files(s.homeroom.user_id)] == ["Табель_new.xlsx"]
    update_setting(s.admin, "files_keep_days", "3")

    assert tidy() == [fresh]  # the owner's school's setting


def test_each_school_of_a_district_keeps_its_own_files_as_long_as_it_says(root):
    """A district's schools keep exports for different days: a teacher's login (or the
    server's hourly tidy, in no school) removes each account's files by its own school's
    setting, never another school's."""
    from models.core import db as dbmod
    from models.core import tenancy
    from models.core.access import SYSTEM
    from models.core.store import open_store
    from models.school.district import found_school
    from tests.conftest import PG_URL, _reset_postgres
    from tests.factory import build_small_school

    if not PG_URL:
        pytest.skip("PostgreSQL tests need JOURNAL_TEST_PG=postgresql://… (set by .ci/run)")
    _reset_postgres(PG_URL)
    open_store(PG_URL, create=True)
    try:
        first = build_small_school()
        update_setting(first.admin, "files_keep_days", "3")
        other = found_school("Школа № 2", "admin2", "admin2-pass-2026", "Администратор", by=SYSTEM)
        with tenancy.within(other.school_id):
            update_setting(SYSTEM, "files_keep_days", "30")
        five_days = (dt.datetime.now() - dt.timedelta(days=5)).timestamp()
        ours, theirs = user_folder(first.homeroom.user_id) / "a.xlsx", user_folder(other.user_id) / "b.xlsx"
        for f in (ours, theirs):
            f.write_bytes(b"x")
            os.utime(f, (five_days, five_days))
        with tenancy.within(other.school_id):  # whoever runs it, wherever
            assert tidy() == [ours]
        tenancy.enter(None)
        assert tidy() == [] and theirs.exists()
    finally:
        dbmod.close()


def test_the_fetch_command_names_the_school_s_address_and_port():
    assert fetch_command("ivanova", "Дневник_5А.xlsx", "school.ru", 2222) == (
        "scp -P 2222 ivanova@school.ru:Дневник_5А.xlsx ."
    )
    assert fetch_command("ivanova", "a b.xlsx", "10.0.0.5", 22) == "scp ivanova@10.0.0.5:'a b.xlsx' ."


# --- SFTP and scp --------------------------------------------------------------------------------


async def sftp_of(server, s, login: str):
    conn, _ = await connect(server, login, s.passwords[login])
    return conn, await conn.start_sftp_client()


async def export_in_app(s, login: str, kind: str, fmt: str):
    """The export screen, as a teacher uses it: kind, format, Ctrl+S; the file it made."""
    from tui.screens.exports import ExportScreen

    app = JournalApp(source="", served=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_as(app, pilot, login, s.passwords[login], ExportScreen)
        screen.pick("kind").value = kind
        await pilot.pause()
        screen.pick("format").value = fmt
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        [path] = screen.last_paths
        status = str(screen.query_one("#export-status", Static).render())
    return path, status


async def test_a_teacher_fetches_what_she_exported_and_nothing_else(server, small_sqlite, root):  # noqa: F811
    s = small_sqlite
    fill(s)
    mine, status = await export_in_app(s, "ivanova", "report-card", "pdf")
    assert "scp -P 2222 ivanova@" in status and f":{mine.name} ." in status  # how to fetch it
    [theirs] = export(s.teacher, "course", class_name="5А", subject="Математика")
    outside = root.parent / "secret.txt"
    outside.write_text("server's own")
    folder = mine.parent
    os.symlink(theirs, folder / "чужой.xlsx")
    os.symlink(outside, folder / "inbox" / "secret.txt")
    os.symlink(root.parent, folder / "наверх")

    conn, sftp = await sftp_of(server, s, "ivanova")
    async with conn:
        assert await sftp.getcwd() == "/"
        assert sorted(await sftp.listdir(".")) == [".", "..", "inbox", mine.name]
        assert await sftp.listdir("inbox") == [".", ".."]  # the symlink is not seen
        async with sftp.open(mine.name, "rb") as f:
            assert await f.read() == mine.read_bytes()
        for path in (
            "../secret.txt",
            "/../../secret.txt",
            str(outside),
            "чужой.xlsx",
            "inbox/secret.txt",
            f"../user-{s.teacher.user_id}/{theirs.name}",
            "/etc/passwd",
            "наверх/secret.txt",
            ".hidden",
        ):
            with pytest.raises(asyncssh.SFTPNoSuchFile):
                async with sftp.open(path, "rb") as f:
                    await f.read()
        for folder_path in ("..", "/../.."):
            assert sorted(await sftp.listdir(folder_path)) == [".", "..", "inbox", mine.name]  # stops at /
        with pytest.raises(asyncssh.SFTPNoSuchFile):
            await sftp.listdir(f"../user-{s.teacher.user_id}")
        with pytest.raises(asyncssh.SFTPPermissionDenied):  # read-only outside the inbox
            async with sftp.open("new.xlsx", "wb") as f:
                await f.write(b"x")
        with pytest.raises(asyncssh.SFTPPermissionDenied):
            await sftp.remove(mine.name)
        for act in (sftp.mkdir("x"), sftp.rename(mine.name, "inbox/x"), sftp.symlink(mine.name, "inbox/l")):
            with pytest.raises(asyncssh.SFTPPermissionDenied):
                await act
    assert mine.exists() and outside.read_text() == "server's own"
    assert [(a["name"], a["via"], a["user"]) for a in audits("file.download")] == [
        (mine.name, "sftp", s.homeroom.user_id)
    ]


async def test_the_old_scp_protocol_fetches_and_uploads_too(server, small_sqlite, root, tmp_path):  # noqa: F811
    s = small_sqlite
    fill(s)
    [mine] = export(s.homeroom, "report-card", class_name="5А")
    conn, _ = await connect(server, "ivanova", s.passwords["ivanova"])
    async with conn:
        await asyncssh.scp((conn, mine.name), tmp_path / "got.xlsx")  # asyncssh speaks scp -f
        (tmp_path / "list.csv").write_text("Фамилия;Имя\n")
        await asyncssh.scp(tmp_path / "list.csv", (conn, "inbox/"))
        with pytest.raises(asyncssh.SFTPError):
            await asyncssh.scp(tmp_path / "list.csv", (conn, "list.csv"))  # not outside the inbox
    assert (tmp_path / "got.xlsx").read_bytes() == mine.read_bytes()
    assert [f.name for f in list_files(s.homeroom.user_id, inbox=True)] == ["list.csv"]
    assert [(a["name"], a["via"]) for a in audits("file.download")] == [(mine.name, "scp")]
    assert [(a["name"], a["via"]) for a in audits("file.upload")] == [("list.csv", "scp")]


async def test_pupils_and_guardians_get_no_sftp(server, small_sqlite, root):  # noqa: F811
    s = small_sqlite
    for who in (s.guardian, s.student):
        conn, _ = await connect(server, who.login, s.passwords[who.login])
        async with conn:
            with pytest.raises((asyncssh.SFTPError, asyncssh.ChannelOpenError, OSError)):
                sftp = await conn.start_sftp_client()
                await sftp.listdir(".")
    assert not (root / f"user-{s.guardian.user_id}").exists()


async def test_an_upload_to_the_inbox_is_capped_and_importable_in_the_app(server, small_sqlite, root):  # noqa: F811
    s = small_sqlite
    update_setting(s.admin, "inbox_max_mb", "1")
    conn, sftp = await sftp_of(server, s, "ivanova")
    async with conn:
        async with sftp.open("inbox/5А.ods", "wb") as f:
            await f.write(ods_bytes(ROSTER_HEADERS, ROSTER_ROWS))
        with pytest.raises(asyncssh.SFTPFailure) as big:
            async with sftp.open("inbox/big.bin", "wb") as f:
                await f.write(b"0" * (1024 * 1024 + 1))
        assert "больше 1 МБ" in str(big.value)
        assert await sftp.listdir("inbox") == [".", "..", "5А.ods"]  # the cut one is removed
    assert [a["name"] for a in audits("file.upload")] == ["5А.ods"]

    from tui.screens.importer import ImportScreen

    app = JournalApp(source="", served=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_as(app, pilot, "ivanova", s.passwords["ivanova"], ImportScreen)
        assert screen.query_one("#import-inbox", Select).value == "5А.ods"
        assert not screen.query_one("#import-path").display  # no server paths over SSH
        upload = str(screen.query_one("#import-upload", Static).render())
        assert "scp -P 2222 ФАЙЛ ivanova@" in upload and ":inbox/" in upload
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.preview is not None and screen.preview.ok
        assert len(screen.preview.rows) == len(ROSTER_ROWS)


async def test_a_disabled_account_s_transfers_stop_at_the_next_file(server, small_sqlite, root):  # noqa: F811
    s = small_sqlite
    fill(s)
    [mine] = export(s.homeroom, "report-card", class_name="5А")
    conn, sftp = await sftp_of(server, s, "ivanova")
    async with conn:
        accounts.set_user_active(s.admin, s.homeroom.user_id, False)
        with pytest.raises(asyncssh.SFTPPermissionDenied):
            async with sftp.open(mine.name, "rb") as f:
                await f.read()
    assert audits("file.download") == []


# --- the screen ----------------------------------------------------------------------------------


async def test_my_files_lists_tells_how_to_fetch_and_deletes(small_sqlite, root):
    s = small_sqlite
    fill(s)
    [mine] = export(s.homeroom, "report-card", class_name="5А")
    update_setting(s.admin, "ssh_address", "school.ru")
    from tui.screens.myfiles import MyFilesScreen

    app = JournalApp(source="", served=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_as(app, pilot, "ivanova", s.passwords["ivanova"], MyFilesScreen)
        [[name, size, made]] = table_rows(screen)
        assert (
            name == mine.name and size.endswith("КБ") and made.startswith(dt.date.today().strftime("%d.%m"))
        )
        command = f"scp -P 2222 ivanova@school.ru:{mine.name} ."
        assert command in str(screen.query_one("#my-files-fetch", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        assert command in notifications(app)[-1]
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("enter")  # confirmed
        await pilot.pause()
        assert table_rows(screen) == [] and not mine.exists()
    assert [a["name"] for a in audits("file.delete")] == [mine.name]


# --- in the browser --------------------------------------------------------------------------


class BrowserApp(JournalApp):
    """The app as `serve web` runs it: deliver_binary sends a download (here: recorded)."""

    CSS_PATH = str(Path(tui_app.__file__).parent / JournalApp.CSS_PATH)
    delivered: list[tuple[str, bytes]]

    @property
    def is_web(self) -> bool:
        return True

    def deliver_binary(self, path_or_file, *, save_filename=None, **kwargs):
        self.delivered.append((save_filename, Path(path_or_file).read_bytes()))
        key = f"key-{len(self.delivered)}"
        self.post_message(events.DeliveryComplete(key=key, name=None))
        return key


def pdf_text(data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    assert all(
        round(float(p.mediabox.width)) == 595 and round(float(p.mediabox.height)) == 842 for p in reader.pages
    )
    return [page.extract_text() for page in reader.pages]


async def test_a_guardian_downloads_the_child_s_week_and_report_card_in_the_browser(small_sqlite, root):
    s = small_sqlite
    fill(s)
    from tui.screens.diary import DiaryScreen

    app = BrowserApp(source="")
    app.delivered = []
    guardian = accounts.authenticate(s.guardian.login, s.passwords[s.guardian.login])
    async with app.run_test(size=SIZE) as pilot:
        app.land(guardian)
        await pilot.pause()
        assert isinstance(app.screen, DiaryScreen)
        await pilot.press("left")  # last week: the one with marks
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
    (week_name, week_pdf), (card_name, card_pdf) = app.delivered
    assert week_name.startswith("Дневник_Андреев_Андрей_") and week_name.endswith(".pdf")
    [page] = pdf_text(week_pdf)  # one A4 page: the pupil's week
    assert "Дневник: Андреев Андрей, 5А класс" in page and "Математика" in page
    [card] = pdf_text(card_pdf)
    assert card_name.startswith("Табель_Андреев_Андрей_") and "Табель успеваемости: Андреев Андрей" in card
    assert [a["via"] for a in audits("file.download")] == ["browser", "browser"]
    assert list_files(s.guardian.user_id) == []  # made on request, not kept once downloaded
    assert {a["user"] for a in audits("file.download")} == {s.guardian.user_id}


async def test_a_slip_saved_in_the_browser_is_downloaded_and_then_gone(small_sqlite, root):
    s = small_sqlite
    from tui.screens.credentials import CredentialsScreen

    update_setting(s.admin, "web_address", "https://journal.school.ru")
    app = BrowserApp(source="")
    app.delivered = []
    async with app.run_test(size=(100, 30)) as pilot:
        await open_as(app, pilot, "ivanova", s.passwords["ivanova"], CredentialsScreen)
        await pilot.press("a")  # issue to everyone without a login
        await pilot.pause()
        await pilot.press("enter")
        for _ in range(20):
            await pilot.pause()
    [(name, data)] = app.delivered
    assert name.startswith("Реквизиты_5А_") and name.endswith(".pdf")
    pages = pdf_text(data)
    assert "Вход: https://journal.school.ru" in pages[0] and "Пароль:" in pages[0]
    assert list_files(s.homeroom.user_id) == []  # the one-time passwords did not stay
