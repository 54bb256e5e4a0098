"""The district (issue 20): its administrator adds schools and their administrators, logs in
like anyone, never edits a journal; logins are unique across the district and a login finds
its account in whichever school it is. SQLite keeps one school per file."""

from __future__ import annotations

import pytest

from models.core import db as dbmod
from models.core import tenancy
from models.core.access import DISTRICT, OTHER_SCHOOL, SYSTEM, begin_session
from models.core.errors import AuthenticationError, PermissionDenied, ValidationError
from models.core.schema import AuditEntry, School, User, WorkType
from models.people import accounts
from models.school import district
from models.school.subjects import create_subject
from tests.shared import small, small_once  # noqa: F401 (fixtures)

PASSWORD = "district-pass-2026"


@pytest.fixture
def office(small):
    """The small school's database as a district of one school with its office's account
    (PostgreSQL only: an SQLite file holds one school)."""
    if dbmod.is_sqlite():
        pytest.skip("a district runs on PostgreSQL")
    district.create_district_admin(SYSTEM, "rono", PASSWORD)
    return accounts.authenticate("rono", PASSWORD).actor


def test_sqlite_keeps_one_school_per_file(small):
    if not dbmod.is_sqlite():
        pytest.skip("the SQLite rule")
    with pytest.raises(ValidationError) as refused:
        district.found_school("Школа № 2", "admin2", "admin2-pass-2026", "Администратор", by=SYSTEM)
    assert refused.value.message == district.ONE_SCHOOL_PER_FILE
    with pytest.raises(ValidationError):
        district.create_district_admin(SYSTEM, "rono", PASSWORD)
    assert School.select().count() == 1


def test_the_district_admin_adds_a_school_whose_admin_logs_in_there(office, small):
    first = tenancy.current()
    issued = district.add_school(office, "Школа № 2", "admin2")
    assert issued.role == "admin" and len(issued.password) >= 8
    second = School.get(School.name == "Школа № 2").id
    login = accounts.authenticate("admin2", issued.password)
    assert login.must_change_password  # a one-time password
    assert login.actor.school_id == second and login.actor.role == "admin"
    with tenancy.within(second):  # the new school has its work types and nothing of the first
        assert WorkType.select().count() >= 3
        assert not User.select().where(User.login == small.teacher.login).exists()
    assert tenancy.current() == first  # adding a school moved nobody's scope
    names = [(s.name, s.admins) for s in district.list_schools(office)]
    assert ("Школа № 2", ("admin2",)) in names
    with tenancy.within(second):
        entry = AuditEntry.get(AuditEntry.action == "school.init")
    assert entry.user_id == office.user_id


def test_the_district_admin_edits_no_journal(office, small):
    with tenancy.within(tenancy.current()), pytest.raises(PermissionDenied) as refused:
        create_subject(office, "Астрономия")
    assert "района" in refused.value.message
    assert office.role == DISTRICT and office.school_id is None


def test_a_school_admin_adds_no_school(office, small):
    with pytest.raises(PermissionDenied):
        district.add_school(small.admin, "Школа № 3", "admin3")
    with pytest.raises(PermissionDenied):
        district.list_schools(small.admin)


def test_logins_are_unique_across_the_district(office, small):
    with pytest.raises(ValidationError) as taken:
        district.add_school(office, "Школа № 2", small.teacher.login)
    assert "занят" in taken.value.message
    district.add_school(office, "Школа № 2", "admin2", "admin2-pass-2026")
    with pytest.raises(ValidationError):  # a school admin cannot take another school's login
        accounts.create_staff_user(small.admin, "admin2", "teacher", "Петров", "Пётр")
    with pytest.raises(ValidationError):
        district.add_school(office, "школа № 2", "admin3")  # the same name, any case


def test_a_login_finds_its_school_and_acts_only_there(office, small):
    district.add_school(office, "Школа № 2", "admin2", "admin2-pass-2026")
    tenancy.enter(None)  # the district's login screen: no school yet
    try:
        stranger = accounts.authenticate("admin2", "admin2-pass-2026").actor
        mine = accounts.authenticate(small.admin.login, small.passwords[small.admin.login]).actor
        begin_session(mine)
        assert tenancy.current() == small.admin.school_id
        with pytest.raises(PermissionDenied) as refused:
            create_subject(stranger, "Астрономия")
        assert refused.value.message == OTHER_SCHOOL
        with pytest.raises(AuthenticationError):
            accounts.authenticate("admin2", "wrong-password")
    finally:
        tenancy.enter(small.admin.school_id)


def test_the_district_resets_a_school_admins_password(office, small):
    issued = district.reset_school_admin(office, small.admin.school_id, small.admin.login)
    login = accounts.authenticate(small.admin.login, issued.password)
    assert login.must_change_password
    with pytest.raises(ValidationError):
        district.reset_school_admin(office, small.admin.school_id, small.teacher.login)


def test_a_copied_school_is_the_same_school_under_new_ids(office, small):
    """The demo district's copies: every row of every table, its own ids, logins suffixed,
    the same passwords; the source school unchanged."""
    from models.core.schema import ALL_MODELS, SchoolOwned
    from models.reports.district import ALL_GRADES, district_report

    first = tenancy.current()
    owned = [m for m in ALL_MODELS if issubclass(m, SchoolOwned)]
    before = {m._meta.table_name: m.select().count() for m in owned}
    with pytest.raises(PermissionDenied):
        district.copy_school(office, first, "Копия", ".s2")
    copy = district.copy_school(SYSTEM, first, "Школа-копия", ".s2")
    with tenancy.within(copy):
        copied = {m._meta.table_name: m.select().count() for m in owned}
        assert User.get(User.login == small.teacher.login + ".s2").role == "teacher"
    assert copied == before and {m._meta.table_name: m.select().count() for m in owned} == before
    teacher = accounts.authenticate(small.teacher.login + ".s2", small.passwords[small.teacher.login]).actor
    assert teacher.school_id == copy
    lines = {r.school_id: r for r in district_report(SYSTEM, 1).rows if r.grade == ALL_GRADES}
    assert lines[copy].indicators == lines[first].indicators and lines[copy].classes == lines[first].classes


def test_the_ssh_servers_calls_run_in_the_users_school(office, small):
    """The SSH server's process works in no school (a district's): an SFTP transfer of a
    teacher is recorded within her school (access.in_school_of_actor), never refused."""
    from models.core.access import in_school_of_actor
    from models.people.files import record_file

    school = tenancy.current()
    district.add_school(office, "Школа № 2", "admin2", "admin2-pass-2026")
    tenancy.enter(None)
    try:
        with pytest.raises(PermissionDenied):
            record_file(small.teacher, "upload", "list.csv", 44, "sftp")
        in_school_of_actor(small.teacher, record_file)(small.teacher, "upload", "list.csv", 44, "sftp")
        with tenancy.within(school):
            entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
        assert (entry.action, entry.school_id, entry.user_id) == (
            "file.upload",
            school,
            small.teacher.user_id,
        )
    finally:
        tenancy.enter(school)


def test_the_district_admin_changes_their_own_password(office, small):
    tenancy.enter(None)  # their session works in no school
    try:
        changed = accounts.change_password(office, PASSWORD, "rono-new-pass-2026")
        assert accounts.authenticate("rono", "rono-new-pass-2026").actor.epoch == changed.epoch
        with tenancy.district():
            entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
        assert (entry.action, entry.school_id) == ("password.change", None)
    finally:
        tenancy.enter(small.admin.school_id)


def test_the_district_admin_may_fetch_files_by_sftp(office, small):
    from models.people.files import require_file_transfer

    with tenancy.district():
        require_file_transfer(office)  # their district reports
    with pytest.raises(PermissionDenied):
        require_file_transfer(small.guardian)


def test_two_offices_adding_the_same_school_at_once_make_one(store, monkeypatch):
    """Both pass the name check before either writes (the second connection meets the first
    at School.create): the name's turn makes the second wait, then see the first's school."""
    import threading

    from models.core.store import open_store
    from models.school.identity import init_school
    from tests.conftest import PG_URL

    if dbmod.is_sqlite():
        pytest.skip("a district runs on PostgreSQL")
    init_school("Тестовая школа", "admin", "admin-secret-1")
    district.create_district_admin(SYSTEM, "rono", PASSWORD)
    office = accounts.authenticate("rono", PASSWORD).actor
    open_store(PG_URL, per_thread=True)  # two threads, two connections: two server processes
    create = School.create
    meet = threading.Barrier(2, timeout=2)

    def create_after_both_checked(**fields):
        try:
            meet.wait()
        except threading.BrokenBarrierError:
            pass  # the other is waiting for the name's turn: go on alone
        return create(**fields)

    monkeypatch.setattr(School, "create", create_after_both_checked)
    outcomes: list[str] = []

    def add(login: str) -> None:
        try:
            district.add_school(office, "Школа № 5", login)
            outcomes.append("added")
        except ValidationError as exc:
            outcomes.append(exc.message)
        finally:
            dbmod.close()

    threads = [threading.Thread(target=add, args=(login,)) for login in ("admin5a", "admin5b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["added", "Школа «Школа № 5» в районе уже есть."]
    with tenancy.district():
        assert School.select().where(School.name == "Школа № 5").count() == 1
