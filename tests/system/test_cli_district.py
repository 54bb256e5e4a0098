"""The `journal` command for a district on PostgreSQL (issue 20): `init` adds a school each
time and, with --district, the office's administrator; `schools` lists them; a command that
works in one school needs --school there, by name or number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.core import db as dbmod
from models.core import tenancy
from models.core.schema import AuditEntry, School, User
from models.core.store import open_store
from models.people import accounts
from tests.conftest import PG_URL, _reset_postgres
from tests.shared import run_journal as run


@pytest.fixture
def district_db(tmp_path):
    if not PG_URL:
        pytest.skip("PostgreSQL tests need JOURNAL_TEST_PG=postgresql://… (set by .ci/run)")
    _reset_postgres(PG_URL)
    yield PG_URL
    dbmod.close()


def test_init_adds_schools_and_the_district_admin(district_db, capsys):
    db = district_db
    assert (
        run(
            ["init", "--db", db, "--school", "Школа № 1", "--admin", "adm1", "--password-stdin"],
            "adm1-pass-2026\n",
        )
        == 0
    )
    assert (
        run(
            ["init", "--db", db, "--school", "Гимназия № 2", "--admin", "adm2", "--password-stdin"],
            "adm2-pass-2026\n",
        )
        == 0
    )
    assert run(["init", "--db", db, "--district", "rono", "--password-stdin"], "rono-pass-2026\n") == 0
    capsys.readouterr()
    # the same name again, or a login of another school: refused, nothing written
    assert (
        run(
            ["init", "--db", db, "--school", "гимназия № 2", "--admin", "adm3", "--password-stdin"],
            "adm3-pass-2026\n",
        )
        == 2
    )
    assert (
        run(
            ["init", "--db", db, "--school", "Лицей", "--admin", "adm1", "--password-stdin"],
            "adm4-pass-2026\n",
        )
        == 2
    )
    assert "занят" in capsys.readouterr().err
    assert run(["schools", "--db", db, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(s["name"], s["admins"]) for s in listed] == [("Гимназия № 2", ["adm2"]), ("Школа № 1", ["adm1"])]

    assert run(["user", "list", "--db", db]) == 2  # which school?
    assert "--school" in capsys.readouterr().err
    assert run(["user", "list", "--db", db, "--school", "школа № 1"]) == 0
    out = capsys.readouterr().out
    assert "adm1" in out and "adm2" not in out and "rono" not in out
    assert run(["user", "list", "--db", db, "--school", str(listed[0]["id"])]) == 0
    assert "adm2" in capsys.readouterr().out
    assert run(["user", "list", "--db", db, "--school", "Лицей"]) == 2
    assert "Школы «Лицей» в базе нет" in capsys.readouterr().err

    open_store(db)
    assert tenancy.current_or_none() is None  # several schools: none until a login chooses
    with tenancy.district():
        assert School.select().count() == 2
        assert User.get(User.login == "rono").school_id is None
    office = accounts.authenticate("rono", "rono-pass-2026").actor
    assert office.role == "district" and office.school_id is None
    assert accounts.authenticate("adm2", "adm2-pass-2026").actor.school_id == listed[0]["id"]


def test_export_district_report_writes_the_report(tmp_path, capsys):
    """One school on SQLite is a district of one: its report, to a file and to stdout."""
    from tests.shared import run_journal

    db = str(tmp_path / "school.sqlite")
    assert (
        run_journal(["init", "--db", db, "--school", "Школа № 9", "--password-stdin"], "first-admin-pass\n")
        == 0
    )
    assert run_journal(["export", "district-report", "--db", db, "--period", "7"]) == 2
    assert "от 1 до 4" in capsys.readouterr().err
    assert run_journal(["export", "district-report", "--db", db, "--period", "1", "-o", "-"]) == 0
    lines = capsys.readouterr().out.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Отчёт района: 1-й период")
    assert lines[1].split(";")[:4] == ["Школа", "Класс", "Классов", "N"]
    assert [line.split(";")[:2] for line in lines[2:]] == [["Школа № 9", "все"], ["Район", "все"]]
    out = tmp_path / "out/"
    assert run_journal(["export", "district-report", "--db", db, "-o", f"{out}/", "--format", "pdf"]) == 0
    written = capsys.readouterr().out.strip()
    assert written.endswith(".pdf") and Path(written).read_bytes()[:5] == b"%PDF-"
    assert oct(Path(written).stat().st_mode & 0o777) == "0o600"
    open_store(db)
    with tenancy.district():
        entry = (
            AuditEntry.select()
            .where(AuditEntry.action == "export.district")
            .order_by(AuditEntry.id.desc())
            .first()
        )
    assert entry is not None and entry.school_id is None and written in entry.new


def test_the_demo_district_is_built_once_and_found_again(district_db):
    """`journal demo --size district`: the demo school, its copies with suffixed logins and
    the office's account; run again, it finds the district it built (and no rebuild)."""
    from demo.district import DISTRICT_LOGIN, DISTRICT_PASSWORD, build_district, school_name

    built = build_district(district_db, 2, size="small")
    assert built.seconds > 0
    with tenancy.district():
        names = [name for (name,) in School.select(School.name).order_by(School.id).tuples()]
    assert names[1] == school_name(2) and len(names) == 2
    office = accounts.authenticate(DISTRICT_LOGIN, DISTRICT_PASSWORD).actor
    assert office.role == "district" and office.school_id is None
    first_admin = next(login for login in built.logins if login["role"] == "admin")
    copy = accounts.authenticate(f"{first_admin['login']}.s2", first_admin["password"]).actor
    assert (
        copy.school_id != accounts.authenticate(first_admin["login"], first_admin["password"]).actor.school_id
    )
    again = build_district(district_db, 2, size="small")
    assert again.seconds == 0.0 and again.logins == built.logins
