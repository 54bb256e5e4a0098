"""The door: the `journal` command. It parses arguments and calls models/ (and tui/ to open
the app); nothing else lives here."""

from __future__ import annotations

import argparse
import errno
import gc
import getpass
import json
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _print_error(message: str) -> None:
    print(f"journal: {message}", file=sys.stderr)


def _open(args: argparse.Namespace, *, school: bool = True) -> None:
    """The store of --db, in the school of --school (the only one where there is one);
    `school=False`: a command of the whole store (check, backup, the app's login)."""
    from models.core.store import choose_school, open_store

    open_store(args.db)
    choose_school(getattr(args, "school", None), required=school)


def cmd_run(args: argparse.Namespace) -> int:
    if args.zygote_fd is not None:  # `journal serve ssh`'s ready process: it forks the sessions
        from tui.serve.zygote import serve

        return serve(args.zygote_fd, main)
    # start-up makes objects that live as long as the app (modules, classes, the stylesheet):
    # collecting them cost ≈ 70 ms of a 0.47 s start (measured); the app freezes them out of
    # the collector and turns it on once its first screen is drawn (tui.app.start_collecting)
    gc.disable()
    try:
        _open(args, school=False)
        if args.session_fd is not None:  # started by `journal serve ssh` for one connection
            from tui.serve.handoff import run_served_session

            return run_served_session(args.session_fd, args.locked_exit)
        if args.host_fd is not None:  # forked by the ready process: sessions of one school
            from tui.serve.host import run_host

            return run_host(args.host_fd, args.host_school, args.locked_exit)
        from tui.app import run_app

        return run_app()
    finally:
        gc.enable()  # (a start that failed before the app's first screen)


def _read_new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Пароль администратора: ")
    second = getpass.getpass("Ещё раз: ")
    if first != second:
        from models.core.errors import ValidationError

        raise ValidationError("Пароли не совпадают.")
    return first


def cmd_init(args: argparse.Namespace) -> int:
    """A new school (SQLite: the file's one school; PostgreSQL: one more of the district), or
    with --district the district office's administrator."""
    from models.core.store import is_initialized, open_store

    location = open_store(args.db, create=True)
    if args.district:
        from models.core.access import SYSTEM
        from models.school.district import create_district_admin

        create_district_admin(SYSTEM, args.district, _read_new_password(args))
        print(f"Администратор района создан в {location.describe()}: {args.district.strip().lower()}")
        return EXIT_OK
    if is_initialized() and location.kind == "sqlite":
        _print_error(f"в базе {location.describe()} школа уже создана")
        return EXIT_FAIL
    from models.school.identity import init_school

    password = _read_new_password(args)
    init_school(args.school, args.admin, password)
    print(
        f"Школа «{args.school.strip()}» создана в {location.describe()}. Администратор: {args.admin.strip().lower()}"
    )
    return EXIT_OK


def cmd_schools(args: argparse.Namespace) -> int:
    """The district's schools: number, name, administrators."""
    from models.core.access import SYSTEM
    from models.school.district import list_schools

    _open(args, school=False)
    schools = list_schools(SYSTEM)
    if args.json:
        print(
            json.dumps(
                [{"id": s.id, "name": s.name, "admins": list(s.admins)} for s in schools], ensure_ascii=False
            )
        )
        return EXIT_OK
    for school in schools:
        print(f"{school.id:>5}  {school.name}  (администраторы: {', '.join(school.admins) or 'нет'})")
    return EXIT_OK


DEMO_ROLES = {
    "district": "район",
    "admin": "администратор",
    "homeroom": "кл. руководитель",
    "teacher": "учитель",
    "guardian": "родитель",
    "student": "учащийся",
}


def demo_login_lines(logins: list[dict]) -> list[str]:
    """One line per demo login, within 80 columns: the name as «Фамилия И. О.»."""
    widths = [max((len(x[key]) for x in logins), default=0) for key in ("login", "password")]
    lines = []
    for login in logins:
        surname, *given = login["name"].split()
        name = " ".join([surname, *(f"{part[0]}." for part in given)])
        role = DEMO_ROLES.get(login["role"], login["role"])
        lines.append(f"  {role:<16} {login['login']:<{widths[0]}}  {login['password']:<{widths[1]}}  {name}")
    return lines


def cmd_demo(args: argparse.Namespace) -> int:
    from demo.builder import build_demo

    say = None if args.json else print
    if args.size == "district":
        from demo.district import build_district

        result = build_district(args.db, args.schools, progress=say)
    else:
        result = build_demo(args.db, size=args.size, full_year=args.full_year, progress=say)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        print(
            f"{'Демонстрационный район' if args.size == 'district' else 'Демонстрационная школа'}: {result.db}"
        )
        print("Войдите под любым логином (роль, логин, пароль, кто):")
        print("\n".join(demo_login_lines(result.logins)))
        if args.size == "district":
            print("В школе № K района те же логины с суффиксом «.sK» (K от 2), пароли те же.")
    if args.no_open:
        return EXIT_OK
    from tui.app import run_app

    return run_app()


def cmd_check(args: argparse.Namespace) -> int:
    from models.core.store import check

    _open(args, school=False)
    report = check()
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print(f"Целостность: {report.integrity}")
        print(f"Версия схемы: {report.schema_version}")
        for name, count in report.counts.items():
            print(f"  {name}: {count}")
    return EXIT_OK if report.integrity == "ok" else EXIT_FAIL


def cmd_backup(args: argparse.Namespace) -> int:
    from models.core.store import backup

    _open(args, school=False)
    report = backup(args.dest)
    print(
        f"Копия {args.dest} создана и проверена: целостность {report.integrity}, отметок {report.counts['marks']}."
    )
    return EXIT_OK if report.integrity == "ok" else EXIT_FAIL


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a backup back in place of the database, after checking it (the journal stopped)."""
    from models.core.db import resolve
    from models.core.store import restore

    location = resolve(args.db)
    if not args.yes:
        if not sys.stdin.isatty():
            _print_error("стандартный ввод не терминал: подтвердите восстановление ключом --yes")
            return EXIT_USAGE
        question = (
            f"Заменить базу {location.describe()} копией {args.source}? Всё, что записано после "
            "копии, пропадёт (прежняя база останется рядом). Журнал должен быть остановлен. [д/Н] "
        )
        if input(question).strip().lower() not in ("д", "да", "y", "yes"):
            print("Восстановление отменено: ничего не изменено.")
            return EXIT_FAIL
    report = restore(args.source, args.db)
    print(
        f"База восстановлена из {args.source}: целостность {report.integrity}, отметок {report.counts.get('marks', 0)}."
    )
    if location.kind == "sqlite":
        print(f"Прежняя база сохранена как {location.path}.before-restore.")
    return EXIT_OK if report.integrity == "ok" else EXIT_FAIL


def cmd_migrate(args: argparse.Namespace) -> int:
    from models.core.store import migrate

    applied = migrate(args.db)
    print("Схема обновлена: " + ", ".join(applied) if applied else "Схема уже актуальна.")
    return EXIT_OK


def cmd_user(args: argparse.Namespace) -> int:
    """Accounts from the server's shell (as the system): list, disable, enable, unlock, reset.

    For the day the only administrator is locked out, or an account must be stopped at once:
    disabling or resetting ends that account's open sessions within seconds (the app checks).
    """
    from models.core.access import ROLE_NAMES, ROLES, SYSTEM
    from models.people import accounts

    _open(args)
    if args.action == "list":
        for info in accounts.list_users(SYSTEM, roles=ROLES):
            state = "активна" if info.active else "отключена"
            print(f"{info.login:<24} {ROLE_NAMES.get(info.role, info.role):<15} {state:<10} {info.name}")
        return EXIT_OK
    user = accounts.user_by_login(SYSTEM, args.login)
    if args.action in ("disable", "enable"):
        accounts.set_user_active(SYSTEM, user.id, args.action == "enable")
        done = "включена" if args.action == "enable" else "отключена, её сеансы завершаются"
        print(f"Учётная запись {user.login} {done}.")
    elif args.action == "unlock":
        accounts.unlock_user(SYSTEM, user.id)
        print(f"Учётная запись {user.login} разблокирована.")
    else:  # staff only: diary logins are re-issued by the homeroom teacher (R2)
        issued = accounts.reset_password(SYSTEM, user.id)
        print(f"Новый одноразовый пароль {issued.login}: {issued.password}")
        print("Он показан один раз; при входе его нужно сменить. Открытые сеансы завершаются.")
    return EXIT_OK


def _confirm_import(args: argparse.Namespace, question: str) -> int | None:
    """An import checked and ready: the exit code to stop with (--dry-run, no terminal to ask
    on without --yes, the question answered no), or None to write."""
    if args.dry_run:
        print("Проверка без записи (--dry-run): ничего не записано.")
        return EXIT_OK
    if args.yes:
        return None
    if not sys.stdin.isatty():
        _print_error("стандартный ввод не терминал: подтвердите импорт ключом --yes")
        return EXIT_USAGE
    if input(question).strip().lower() not in ("д", "да", "y", "yes"):
        print("Импорт отменён: ничего не записано.")
        return EXIT_FAIL
    return None


def cmd_import(args: argparse.Namespace) -> int:
    """Import a class list (as the system actor): preview, then all rows or none."""
    if args.what == "plan":
        return cmd_import_plan(args)
    if args.what != "roster":
        return cmd_import_school(args)
    from exports.roster_import import preview_lines, pupils_word, read_roster
    from models.core.access import SYSTEM
    from models.imports.class_list import import_roster, preview_roster_import
    from models.school.classes import find_class

    if not args.class_name:
        _print_error("для импорта списка класса укажите класс: --class 5А")
        return EXIT_USAGE
    _open(args)
    school_class = find_class(args.class_name)
    parsed = read_roster(args.file)
    preview = preview_roster_import(SYSTEM, school_class.id, parsed.rows, args.start)
    print("\n".join(preview_lines(parsed, preview)))
    if not preview.rows:
        _print_error("в файле нет ни одной строки с учащимися: ничего не записано")
        return EXIT_USAGE
    if preview.invalid:
        _print_error(
            f"строк с ошибками: {len(preview.invalid)}. Ничего не записано: исправьте файл и повторите."
        )
        return EXIT_USAGE
    count = len(preview.rows)
    stop = _confirm_import(
        args, f"Импортировать {count} {pupils_word(count)} в класс {school_class.name}? [д/Н] "
    )
    if stop is not None:
        return stop
    done = import_roster(SYSTEM, school_class.id, parsed.rows, args.start, source=os.path.abspath(args.file))
    print(f"Импортировано учащихся: {done}, класс {school_class.name}.")
    return EXIT_OK


def cmd_import_plan(args: argparse.Namespace) -> int:
    """A КТП into a subject's course of one or more classes (as the system actor): the plan's
    lessons and what they will fill, then all courses or none."""
    from exports.plan_import import read_plan
    from models.core.access import SYSTEM
    from models.imports.lesson_plan import entry_summary
    from models.journal.plan import import_plan, plan_courses, preview_plan

    if not args.class_name or not args.subject:
        _print_error("для импорта КТП укажите класс и предмет: --class 5А --subject Математика")
        return EXIT_USAGE
    _open(args)
    courses = plan_courses(SYSTEM, args.class_name, args.subject)
    parsed = read_plan(args.file)
    print(f"Файл: {len(parsed.entries)} тем, {parsed.hours} ч, разделов {len(parsed.sections)}.")
    if parsed.ignored:
        print(f"Не использованы столбцы: {', '.join(parsed.ignored)}.")
    for entry in parsed.entries:
        mark = " ✗ " + "; ".join(entry.problems) if entry.problems else ""
        print(f"  стр. {entry.line}: {entry_summary(entry)}{mark}")
    previews = preview_plan(SYSTEM, [c.course_id for c in courses], parsed)
    for preview in previews:
        balance = f"; {preview.balance}" if preview.balance else ""
        print(
            f"{preview.title}: уроков в журнале {preview.lessons}, темы получат {preview.to_fill}, "
            f"своя тема у {preview.kept}{balance}."
        )
    problems = next((p.problems for p in previews if p.problems), ())
    if problems:
        for problem in problems:
            _print_error(problem)
        _print_error("Ничего не записано: исправьте файл и повторите.")
        return EXIT_USAGE
    names = ", ".join(p.title for p in previews)
    stop = _confirm_import(args, f"Записать КТП ({parsed.hours} ч) в {names}? [д/Н] ")
    if stop is not None:
        return stop
    for done in import_plan(
        SYSTEM, [c.course_id for c in courses], parsed, source=os.path.abspath(args.file)
    ):
        print(f"{done.title}: КТП записан ({done.hours} ч), тем в уроки: {done.filled}.")
    return EXIT_OK


def cmd_import_school(args: argparse.Namespace) -> int:
    """Import staff, teaching load or a timetable (models.imports.school_sheets): the same preview,
    confirmation and all-or-nothing write as the class list. Staff passwords are shown once
    here, or only written to a private slips file (--slips)."""
    from exports.sheet_import import read_sheet
    from models.core.access import SYSTEM
    from models.imports import school_sheets as setup_import

    _open(args)
    sheet = read_sheet(args.what, args.file)
    plan = setup_import.preview(SYSTEM, sheet, start=args.start)
    print("\n".join(setup_import.plan_lines(sheet, plan)))
    if not plan.rows:
        _print_error("в файле нет ни одной строки с данными: ничего не записано")
        return EXIT_USAGE
    if plan.invalid:
        _print_error(
            f"строк с ошибками: {len(plan.invalid)}. Ничего не записано: исправьте файл и повторите."
        )
        return EXIT_USAGE
    if not plan.todo:
        print("Всё из файла уже есть в школе: записывать нечего.")
        return EXIT_OK
    question = f"Записать в школу строк: {plan.todo} ({setup_import.KIND_NAMES[args.what]})? [д/Н] "
    stop = _confirm_import(args, question)
    if stop is not None:
        return stop
    result = setup_import.run_import(
        SYSTEM, sheet, start=args.start, source=os.path.abspath(args.file), generate=args.generate
    )
    print(f"Записано строк: {result.changed}, уже были: {result.skipped}.")
    for lessons in result.lessons:
        print(
            f"Уроки {lessons.class_name} с {lessons.start:%d.%m.%Y}: создано {lessons.create}, "
            f"убрано {lessons.remove}, оставлено с отметками или темой {len(lessons.kept)}."
        )
    if result.credentials:
        if args.slips:
            from exports.paths import connect_hints
            from exports.slips import write_slips
            from models.core.settings import load as load_settings
            from models.school.identity import school_name

            ends = args.slips.lower().rsplit(".", 1)[-1]
            fmt = ends if ends in ("ods", "xlsx", "pdf") else "pdf"
            settings = load_settings()
            hint = connect_hints(settings.ssh_address, settings.ssh_port, settings.web_address)[1]
            path = write_slips(
                args.slips,
                list(result.credentials),
                fmt,
                school=school_name(),
                class_name="сотрудники",
                connect_hint=hint,
            )
            print(
                f"Одноразовые пароли ({len(result.credentials)}) сохранены только в файл {path} (права 0600)."
            )
        else:
            print("Одноразовые пароли (показаны один раз, при первом входе их нужно сменить):")
            for cred in result.credentials:
                print(f"  {cred.login:<20} {cred.password:<16} {cred.person}")
    return EXIT_OK


def _listen(text: str) -> tuple[str, int]:
    """--listen HOST:PORT (also [::1]:PORT, :PORT for every address, or just PORT)."""
    host, _, port = text.strip().rpartition(":")
    host = host.strip("[]")
    try:
        number = int(port)
    except ValueError:
        number = -1
    if not 0 < number < 65536:
        raise argparse.ArgumentTypeError(f"адрес «{text}»: нужен ХОСТ:ПОРТ, например 0.0.0.0:2222")
    return host, number


def cmd_export(args: argparse.Namespace) -> int:
    """Export diary extracts, report cards, reports or a course journal.

    The command line acts as the system (models.core.access.SYSTEM, an administrator): whoever
    runs it on the server can read the database file anyway. Every file is still audited.
    """
    from exports.run import STDOUT, export
    from models.core.access import SYSTEM

    if args.what == "district-report":
        return cmd_export_district(args)
    _open(args)

    def progress(done: int, total: int, label: str) -> None:
        if total > 1 and label:
            print(f"[{done + 1}/{total}] {label}", file=sys.stderr, flush=True)

    paths = export(
        SYSTEM,
        args.what,
        class_name=args.class_name,
        pupil=args.pupil,
        subject=args.subject,
        period=args.period,
        date_from=args.date_from,
        date_to=args.date_to,
        fmt=args.format,
        out=args.out,
        progress=progress,
        csv_sep=args.csv_sep,
    )
    if args.out != STDOUT:
        for path in paths:
            print(path)
        print(f"Файлов записано: {len(paths)}.", file=sys.stderr)
    return EXIT_OK


def cmd_export_district(args: argparse.Namespace) -> int:
    """The district's report: every school by grade, then the district (as the system)."""
    from exports.district import export_district_report
    from exports.run import STDOUT
    from models.core.access import SYSTEM

    period = None
    if args.period not in (None, ""):
        if not str(args.period).isdigit() or not 1 <= int(args.period) <= 4:
            _print_error("отчёт района: --period — номер периода года, от 1 до 4")
            return EXIT_USAGE
        period = int(args.period)
    _open(args, school=False)
    fmt = "csv" if args.out == STDOUT else args.format
    paths = export_district_report(SYSTEM, period, fmt, args.out, args.csv_sep)
    if args.out != STDOUT:
        for path in paths:
            print(path)
    return EXIT_OK


def cmd_archive(args: argparse.Namespace) -> int:
    """The year's archive (R22): `journal archive --year 2026/2027 -o DIR [--close]` writes it,
    `journal archive verify DIR` checks it against its manifest (exports/archive.py)."""
    from exports.archive import verify_archive, write_archive
    from models.core.access import SYSTEM

    if args.rest[:1] == ["verify"]:
        if len(args.rest) != 2:
            _print_error("Укажите папку архива: journal archive verify DIR")
            return EXIT_USAGE
        verdict = verify_archive(args.rest[1])
        if verdict.problem:
            _print_error(verdict.problem)
            return EXIT_FAIL
        for title, names in (
            ("изменён", verdict.changed),
            ("нет файла", verdict.missing),
            ("лишний", verdict.extra),
        ):
            for name in names:
                print(f"{title}: {name}")
        if verdict.ok:
            print(f"Архив цел: файлов {verdict.checked}, все совпадают с манифестом ({verdict.sums}).")
            return EXIT_OK
        print(
            f"Архив изменён: файлов {verdict.checked}, изменено {len(verdict.changed)}, нет {len(verdict.missing)}, лишних {len(verdict.extra)}."
        )
        return EXIT_FAIL
    if args.rest or not args.year or not args.out:
        _print_error(
            "Укажите год и папку: journal archive --year 2026/2027 -o DIR (или: journal archive verify DIR)"
        )
        return EXIT_USAGE
    _open(args)
    if args.close:
        from models.school.calendar import close_year

        close_year(SYSTEM, args.year)

    def progress(done: int, total: int, label: str) -> None:
        print(f"[{done + 1}/{total}] {label}", file=sys.stderr, flush=True)

    archive = write_archive(SYSTEM, args.year, args.out, progress)
    print(f"Архив {archive.year}: файлов {len(archive.files)} в {archive.folder}; манифест {archive.sums}.")
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    """Export the audit log (who changed what and when), filtered; acts as the system like
    `journal export`, and the export is itself audited (export.audit)."""
    from exports.auditlog import export_audit
    from exports.run import STDOUT
    from models.core.access import SYSTEM
    from models.reports.auditlog import make_filter

    _open(args)
    filters = make_filter(
        SYSTEM, pupil=args.pupil, user=args.user, action=args.action, since=args.since, until=args.until
    )
    fmt = args.format or ("csv" if args.out == STDOUT else "xlsx")
    done = export_audit(SYSTEM, filters, fmt=fmt, out=args.out)
    if args.out != STDOUT:
        for path in done.paths:
            print(path)
    cut = " (не все: уточните отбор)" if done.truncated else ""
    print(f"Записей выгружено: {done.count}{cut}. Отбор: {filters.describe()}.", file=sys.stderr)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the app over SSH with journal accounts, or in a browser (textual-serve)."""
    from models.core.store import open_store

    # the SSH server's logins and transfers run in its pool of threads, each on a connection
    # of its own (--db-connections bounds them); its sessions are processes with one each
    location = open_store(args.db, per_thread=args.what == "ssh")
    db = os.path.abspath(location.path) if location.kind == "sqlite" else location.url
    app_command = [sys.executable, os.path.abspath(__file__)]
    if args.what == "web":
        return _serve_web(args, db, location.describe(), app_command)
    host, port = args.listen

    import asyncio
    import warnings
    from pathlib import Path

    from models.core.errors import JournalError

    # asyncssh still offers DSA keys, which cryptography deprecates: a word for asyncssh's
    # authors that would reach the administrator at every start
    warnings.filterwarnings("ignore", message="DSA is deprecated", module="asyncssh")
    from tui.serve.ssh_server import JournalSSHServer, ServeOptions, check_limits, fingerprint, load_host_key

    if args.host_key:
        key_path = Path(args.host_key)
    elif location.kind == "sqlite":
        key_path = Path(db + ".ssh_host_ed25519_key")
    else:
        _print_error("для PostgreSQL укажите файл ключа сервера: --host-key /var/lib/journal/ssh_host_key")
        return EXIT_USAGE
    options = ServeOptions(
        db=db,
        host=host,
        port=port,
        host_key=key_path,
        app_command=app_command,
        max_sessions=args.max_sessions,
        staff_reserve=args.staff_reserve,
        max_startups=args.max_startups,
        per_source_max_startups=args.per_source_max_startups,
        login_grace=args.login_grace,
        locked_exit_minutes=args.locked_exit or None,
        public_keys=not args.no_keys,
        prefork=not args.no_prefork,
        sessions_per_process=args.sessions_per_process,
        db_connections=args.db_connections,
    )
    try:
        check_limits(options)
    except JournalError as exc:
        _print_error(str(exc))
        return EXIT_USAGE
    key, created = load_host_key(key_path)
    print(f"Ключ сервера {'создан' if created else 'загружен'}: {key_path} (права 0600)")
    print(f"Отпечаток ключа сервера: {fingerprint(key)}")
    print("  сообщите его пользователям: ssh покажет его при первом подключении.")

    def ready(server: JournalSSHServer) -> None:
        print(
            f"Журнал ждёт подключений по SSH на {host or '*'}:{server.port} (база {location.describe()}, "
            f"сеансов не больше {options.max_sessions}, из них {options.reserve()} только для сотрудников). "
            "Ctrl+C — остановить.",
            flush=True,
        )

    return _serving(lambda: asyncio.run(JournalSSHServer(options, key).serve_forever(ready)), host, port)


# why a server could not listen where it was told to, by the system's error number
LISTEN_ERRORS = {
    errno.EADDRINUSE: "адрес уже занят: там работает другой сервер (или этот же, запущенный раньше)",
    errno.EACCES: "нет прав на этот порт (порты до 1024 — только у root)",
    errno.EADDRNOTAVAIL: "у этой машины нет такого адреса",
}


def _serving(serve: Callable[[], object], host: str, port: int) -> int:
    """Run a server until it is stopped; one that cannot listen says why, not a traceback."""
    try:
        serve()
    except OSError as exc:
        reason = LISTEN_ERRORS.get(exc.errno or 0)
        if reason is None:
            raise
        _print_error(f"не удалось открыть {host or '*'}:{port}: {reason}")
        return EXIT_FAIL
    return EXIT_OK


DB_HELP = "база данных: путь к файлу SQLite или postgresql://… (по умолчанию $JOURNAL_DB или journal.sqlite)"
OUT_HELP = (
    "куда записать: файл, папка («ПАПКА/» создаётся, если её нет), «-» — csv в стандартный вывод; "
    "по умолчанию папка system в $JOURNAL_EXPORT_DIR (или ~/journal-exports)"
)


def _serve_web(args: argparse.Namespace, db: str, described: str, app_command: list[str]) -> int:
    """`journal serve web` on the store opened (`db`, said as `described`)."""
    from tui.serve.web import serve_web
    from tui.serve.web_admission import WebLimits
    from tui.serve.zygote import sessions_per_process_problem

    limits = WebLimits(
        max_pending=args.max_pending,
        max_pending_per_address=args.max_pending_per_address,
        max_connections_per_address=args.max_connections_per_address,
        login_grace=args.login_grace,
    )
    if min(limits.max_pending, limits.max_pending_per_address, limits.max_connections_per_address) < 1:
        _print_error("ограничения serve web — целые числа от 1")
        return EXIT_USAGE
    shared = args.sessions_per_process
    if shared is None:  # 5, or 1 with --no-prefork (each tab its own process then)
        shared = 1 if args.no_prefork else 5
    if problem := sessions_per_process_problem(shared, not args.no_prefork):
        _print_error(problem)
        return EXIT_USAGE
    from models.core import tenancy
    from models.core.store import enter_only_school

    enter_only_school()  # a store of one school: its tabs may share processes
    host, port = args.listen
    print(f"Журнал в браузере: http://{host or '0.0.0.0'}:{port}/ (база {described})")
    school = tenancy.current_or_none()

    def serve() -> None:
        serve_web(
            app_command,
            db,
            host=host,
            port=port,
            public_url=args.public_url,
            limits=limits,
            prefork=not args.no_prefork,
            sessions_per_process=shared,
            school=school,
        )

    return _serving(serve, host, port)


def _school_of_host(text: str) -> int | None:
    """--host-school: the school's id, or "none" (the district's own accounts)."""
    return None if text == "none" else int(text)


# the options of the app itself (and of its served sessions): each takes a value
APP_OPTIONS = ("--db", "--session-fd", "--locked-exit", "--zygote-fd", "--host-fd", "--host-school")


def opens_the_app(argv: list[str]) -> bool:
    """No command in `argv`, only the app's own options: the commands' parsers need not be
    built (6.6 ms of a 0.27 s start to the login screen). Anything else (a command, --help, an
    unknown option) goes to the whole parser."""
    value_next = False
    for arg in argv:
        if value_next:
            value_next = False
        elif arg in APP_OPTIONS:
            value_next = True
        elif not arg.startswith(tuple(f"{option}=" for option in APP_OPTIONS)):
            return False
    return True


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="journal",
        description="Электронный классный журнал. Без команды открывает приложение.",
    )
    parser.add_argument("--db", help=DB_HELP)
    parser.set_defaults(func=cmd_run)
    parser.add_argument("--session-fd", type=int, help=argparse.SUPPRESS)  # journal serve ssh
    parser.add_argument("--locked-exit", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--zygote-fd", type=int, help=argparse.SUPPRESS)  # journal serve ssh
    parser.add_argument("--host-fd", type=int, help=argparse.SUPPRESS)  # … its hosts of sessions
    parser.add_argument("--host-school", type=_school_of_host, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="команда")
    for add_command in COMMANDS if commands else ():
        add_command(sub)
    return parser


SCHOOL_HELP = "школа района: название или номер (journal schools); в базе одной школы не нужна"


def _db_option(p: argparse.ArgumentParser, *, school: bool = True) -> None:
    """Every command and sub-command takes --db too (after its name), and --school."""
    p.add_argument("--db", help=DB_HELP, default=argparse.SUPPRESS)
    if school:
        p.add_argument("--school", metavar="ШКОЛА", help=SCHOOL_HELP, default=argparse.SUPPRESS)


def _command(sub, name: str, func, help_text: str, *, school: bool = True) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help_text, description=help_text)
    _db_option(p, school=school)
    p.set_defaults(func=func)
    return p


def _add_init(sub) -> None:
    p = _command(
        sub,
        "init",
        cmd_init,
        "создать пустую школу и её первого администратора (PostgreSQL: ещё одну школу района)",
        school=False,
    )
    p.add_argument("--admin", default="admin", help="логин администратора (admin)")
    p.add_argument("--school", default="Школа", help="название новой школы")
    p.add_argument(
        "--district", metavar="ЛОГИН", help="создать администратора района (PostgreSQL), а не школу"
    )
    p.add_argument("--password-stdin", action="store_true", help="прочитать пароль из стандартного ввода")


def _add_schools(sub) -> None:
    p = _command(sub, "schools", cmd_schools, "школы района: номер, название, администраторы", school=False)
    p.add_argument("--json", action="store_true")


def _add_demo(sub) -> None:
    p = _command(
        sub, "demo", cmd_demo, "создать (если нет) демонстрационную школу и открыть её", school=False
    )
    p.add_argument(
        "--size",
        choices=("small", "school", "district"),
        default="small",
        help="small: 2 класса; school: 1–11 классы; district: район из школ (PostgreSQL)",
    )
    p.add_argument("--schools", type=int, default=10, help="district: сколько школ (10)")
    p.add_argument("--full-year", action="store_true", help="заполнить весь учебный год (для замеров)")
    p.add_argument("--no-open", action="store_true", help="не открывать приложение")
    p.add_argument("--json", action="store_true", help="вывести базу и логины одним JSON-объектом")


def _add_check(sub) -> None:
    p = _command(sub, "check", cmd_check, "проверить целостность базы и показать число записей", school=False)
    p.add_argument("--json", action="store_true")


def _add_backup(sub) -> None:
    p = _command(
        sub,
        "backup",
        cmd_backup,
        "сделать согласованную копию базы во время работы и проверить её",
        school=False,
    )
    p.add_argument("dest", help="файл копии (не должен существовать); PostgreSQL: pg_dump -Fc")


def _add_restore(sub) -> None:
    p = _command(
        sub,
        "restore",
        cmd_restore,
        "восстановить базу из резервной копии (журнал должен быть остановлен)",
        school=False,
    )
    p.add_argument("source", help="файл копии: journal backup (SQLite) или pg_dump -Fc (PostgreSQL)")
    p.add_argument("--yes", action="store_true", help="не спрашивать подтверждения")


def _add_migrate(sub) -> None:
    _command(sub, "migrate", cmd_migrate, "обновить схему базы данных до текущей версии", school=False)


USER_ACTIONS = (
    ("list", "все учётные записи"),
    ("disable", "отключить: открытые сеансы завершаются за несколько секунд"),
    ("enable", "включить снова"),
    ("unlock", "снять блокировку входа после неудачных попыток"),
    ("reset-password", "новый одноразовый пароль сотрудника (сеансы завершаются)"),
)


def _add_user(sub) -> None:
    p = _command(
        sub, "user", cmd_user, "учётные записи: список, отключить, включить, разблокировать, сбросить пароль"
    )
    actions = p.add_subparsers(dest="action", metavar="действие", required=True)
    for name, help_text in USER_ACTIONS:
        a = actions.add_parser(name, help=help_text, description=help_text)
        _db_option(a)
        if name != "list":
            a.add_argument("login", metavar="ЛОГИН", help="логин учётной записи")


def _add_import(sub) -> None:
    p = _command(
        sub,
        "import",
        cmd_import,
        "импортировать из xlsx, ods или csv: список класса, сотрудников, нагрузку, расписание",
    )
    p.add_argument(
        "what",
        choices=["roster", "staff", "load", "timetable", "plan"],
        help="roster — список класса; staff — сотрудники; load — нагрузка; timetable — расписание; "
        "plan — календарно-тематическое планирование (КТП) предмета",
    )
    p.add_argument("file", metavar="ФАЙЛ", help="файл таблицы с заголовками столбцов (Фамилия, Имя, …)")
    p.add_argument(
        "--class",
        dest="class_name",
        metavar="КЛАСС",
        help="roster: класс, например 5А; plan: класс или классы одной параллели через запятую (5А,5Б)",
    )
    p.add_argument("--subject", metavar="ПРЕДМЕТ", help="plan: предмет, например Математика")
    p.add_argument(
        "--start",
        metavar="ДАТА",
        help="roster: дата прибытия, timetable: «Действует с» — для строк без своей (ДД.ММ.ГГГГ; по умолчанию сегодня)",
    )
    p.add_argument(
        "--slips",
        metavar="ФАЙЛ",
        help="staff: одноразовые пароли — в файл бланков xlsx/ods (0600), не на экран",
    )
    p.add_argument(
        "--generate", action="store_true", help="timetable: сразу создать уроки по новому расписанию"
    )
    p.add_argument("--dry-run", action="store_true", help="только проверить и показать, не записывать")
    p.add_argument("--yes", action="store_true", help="не спрашивать подтверждения")


def _add_export(sub) -> None:
    p = _command(
        sub, "export", cmd_export, "выгрузить выписки из дневника, табели, отчёты или журнал предмета"
    )
    p.add_argument(
        "what",
        choices=["diary", "report-card", "class-report", "meeting", "course", "plan", "district-report"],
        help="diary — выписка из дневника, report-card — табель, class-report — анализ периода и "
        "контроль, meeting — к родительскому собранию, course — журнал предмета, plan — КТП: "
        "план и пройденное (с --subject), district-report — отчёт района по школам и классам",
    )
    p.add_argument(
        "--class", dest="class_name", metavar="КЛАСС", help="класс, например 5А, или all — вся школа"
    )
    p.add_argument(
        "--pupil",
        metavar="НОМЕР|ФИО",
        help="один учащийся (выписка, табель): номер по списку класса или фамилия и имя",
    )
    p.add_argument("--subject", metavar="ПРЕДМЕТ", help="предмет (журнал предмета), например Математика")
    p.add_argument(
        "--period", metavar="N|year", help="номер четверти (полугодия) или year; по умолчанию текущий"
    )
    p.add_argument(
        "--from",
        dest="date_from",
        metavar="ДАТА",
        help="с какого дня (ДД.ММ.ГГГГ; по умолчанию прошлая неделя)",
    )
    p.add_argument("--to", dest="date_to", metavar="ДАТА", help="по какой день включительно")
    p.add_argument(
        "--format",
        choices=["xlsx", "ods", "csv", "pdf"],
        default="xlsx",
        help="формат файла (xlsx; pdf — A4 для печати)",
    )
    p.add_argument(
        "--csv-sep",
        choices=[";", ",", "tab"],
        default=";",
        help="разделитель csv: «;» (по умолчанию, десятичная запятая: русский Excel), «,» или tab",
    )
    p.add_argument("-o", "--out", metavar="ФАЙЛ|ПАПКА|ПАПКА/|-", help=OUT_HELP)


def _add_archive(sub) -> None:
    p = _command(
        sub,
        "archive",
        cmd_archive,
        "архив учебного года: журналы предметов и сводные ведомости (PDF и xlsx) с манифестом; "
        "verify DIR — проверить архив",
    )
    p.add_argument("rest", nargs="*", metavar="verify DIR", help="verify DIR — проверить архив по манифесту")
    p.add_argument("--year", metavar="ГОД", help="учебный год, например 2026/2027")
    p.add_argument("-o", "--out", metavar="DIR", help="новая или пустая папка архива")
    p.add_argument(
        "--close", action="store_true", help="сначала закрыть все периоды года (год станет только для чтения)"
    )


def _add_audit(sub) -> None:
    p = _command(sub, "audit", cmd_audit, "выгрузить журнал изменений: кто, что и когда изменил")
    p.add_argument("--since", metavar="ДАТА", help="с какого дня (ДД.ММ.ГГГГ)")
    p.add_argument("--until", metavar="ДАТА", help="по какой день включительно")
    p.add_argument("--user", metavar="LOGIN", help="только действия этой учётной записи («system» — системы)")
    p.add_argument(
        "--pupil", metavar="НОМЕР|ФИО", help="только записи об этом учащемся: номер или фамилия и имя"
    )
    p.add_argument(
        "--action",
        metavar="ДЕЙСТВИЕ",
        help="группа (marks, finals, lessons, roster, guardians, subgroups, accounts, school, exports), "
        "код (mark.set) или начало кода (student.)",
    )
    p.add_argument(
        "--format", choices=["xlsx", "ods", "csv", "pdf"], help="формат файла (xlsx; с «-o -» — csv)"
    )
    p.add_argument("-o", "--out", metavar="ФАЙЛ|ПАПКА|-", help=OUT_HELP)


def _add_serve(sub) -> None:
    p = _command(
        sub,
        "serve",
        cmd_serve,
        "открыть журнал по сети: по SSH с учётными записями журнала или в браузере",
        school=False,
    )
    serve = p.add_subparsers(dest="what", metavar="как", required=True)
    _add_serve_ssh(serve)
    _add_serve_web(serve)


def _add_serve_ssh(serve) -> None:
    s = serve.add_parser(
        "ssh", help="SSH-сервер: вход логином и паролем журнала", description="SSH-сервер журнала"
    )
    _db_option(s, school=False)
    s.add_argument("--listen", type=_listen, default=("0.0.0.0", 2222), help="ХОСТ:ПОРТ (0.0.0.0:2222)")
    s.add_argument(
        "--host-key", help="файл ключа сервера (по умолчанию рядом с базой: <база>.ssh_host_ed25519_key)"
    )
    s.add_argument("--max-sessions", type=int, default=20, help="сеансов одновременно, не больше (20)")
    s.add_argument(
        "--staff-reserve",
        type=int,
        metavar="N",
        help="сколько из них ученикам и родителям не занять: они для сотрудников (четверть, 20 → 5)",
    )
    s.add_argument(
        "--max-startups",
        type=int,
        default=30,
        metavar="N",
        help="подключений, ещё не открывших журнал (входящих), не больше (30)",
    )
    s.add_argument(
        "--per-source-max-startups",
        type=int,
        default=10,
        metavar="N",
        help="таких подключений с одного адреса, не больше (10)",
    )
    s.add_argument(
        "--login-grace", type=float, default=60.0, help="секунд на вход и затем на открытие сеанса (60)"
    )
    s.add_argument(
        "--locked-exit",
        type=float,
        default=20.0,
        help="минут заблокированного сеанса до отключения (20; 0 — не отключать)",
    )
    s.add_argument("--no-keys", action="store_true", help="не принимать вход по ключам SSH")
    s.add_argument(
        "--db-connections",
        type=int,
        default=4,
        help="соединений сервера с базой для входов и передачи файлов, не больше (4); у каждого сеанса — одно своё",
    )
    s.add_argument(
        "--no-prefork",
        action="store_true",
        help="каждый сеанс — отдельный запуск журнала (дольше и больше памяти; по умолчанию "
        "сеансы ответвляются от одного готового процесса)",
    )
    s.add_argument(
        "--sessions-per-process",
        metavar="N",
        type=int,
        default=5,
        help="до N сеансов одной школы в одном процессе (5: ≈ 10 МБ памяти на сеанс; "
        "1 — у каждого сеанса свой процесс, ≈ 26 МБ)",
    )


def _add_serve_web(serve) -> None:
    w = serve.add_parser(
        "web",
        help="журнал в браузере (textual-serve), за обратным прокси с TLS",
        description="журнал в браузере",
    )
    _db_option(w, school=False)
    w.add_argument("--listen", type=_listen, default=("127.0.0.1", 8000), help="ХОСТ:ПОРТ (127.0.0.1:8000)")
    w.add_argument(
        "--public-url", help="адрес, под которым прокси показывает журнал, например https://journal.school.ru"
    )
    w.add_argument(
        "--max-pending",
        metavar="N",
        type=int,
        default=16,
        help="окон входа (ещё без входа) одновременно, всего (16)",
    )
    w.add_argument(
        "--max-pending-per-address",
        metavar="N",
        type=int,
        default=4,
        help="окон входа одновременно с одного адреса (4)",
    )
    w.add_argument(
        "--max-connections-per-address",
        metavar="N",
        type=int,
        default=20,
        help="вкладок журнала одновременно с одного адреса, со входом и без (20)",
    )
    w.add_argument(
        "--login-grace",
        metavar="С",
        type=float,
        default=120.0,
        help="секунд на вход, потом окно закрывается (120)",
    )
    w.add_argument(
        "--no-prefork",
        action="store_true",
        help="каждая вкладка — отдельный запуск журнала (дольше и больше памяти; по умолчанию "
        "вкладки ответвляются от одного готового процесса)",
    )
    w.add_argument(
        "--sessions-per-process",
        metavar="N",
        type=int,
        help="до N вкладок в одном процессе, в базе одной школы (5: ≈ 10 МБ памяти на вкладку; "
        "1 — у каждой вкладки свой процесс, ≈ 27 МБ)",
    )


# the commands in the order `journal --help` lists them
COMMANDS = (
    _add_init,
    _add_schools,
    _add_demo,
    _add_check,
    _add_backup,
    _add_restore,
    _add_migrate,
    _add_user,
    _add_import,
    _add_export,
    _add_archive,
    _add_audit,
    _add_serve,
)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(commands=not opens_the_app(argv))
    args = parser.parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    if args.command == "demo" and args.db is None:
        args.db = os.environ.get("JOURNAL_DB") or "journal-demo.sqlite"
    from models.core.errors import JournalError

    try:
        return args.func(args)
    except JournalError as exc:
        _print_error(str(exc))
        return EXIT_USAGE if exc.__class__.__name__ in ("ValidationError", "NotFound") else EXIT_FAIL
    except KeyboardInterrupt:
        return EXIT_FAIL
    except BrokenPipeError:  # `journal check | head`: the reader has gone, nothing to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
