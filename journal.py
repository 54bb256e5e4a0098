"""The door: the `journal` command. It parses arguments and calls models/ (and tui/ to open
the app); nothing else lives here."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _print_error(message: str) -> None:
    print(f"journal: {message}", file=sys.stderr)


def _open(args: argparse.Namespace) -> None:
    from models.store import open_store

    open_store(args.db)


def cmd_run(args: argparse.Namespace) -> int:
    _open(args)
    from tui.app import run_app

    return run_app()


def _read_new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Пароль администратора: ")
    second = getpass.getpass("Ещё раз: ")
    if first != second:
        from models.errors import ValidationError

        raise ValidationError("Пароли не совпадают.")
    return first


def cmd_init(args: argparse.Namespace) -> int:
    from models.school import init_school
    from models.store import open_store

    location = open_store(args.db, create=True)
    from models.store import is_initialized

    if is_initialized():
        _print_error(f"в базе {location.describe()} школа уже создана")
        return EXIT_FAIL
    password = _read_new_password(args)
    init_school(args.school, args.admin, password)
    print(f"Школа создана в {location.describe()}. Администратор: {args.admin.strip().lower()}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from models.demo import build_demo

    result = build_demo(
        args.db, size=args.size, full_year=args.full_year, progress=None if args.json else print
    )
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        roles = {
            "admin": "администратор",
            "homeroom": "классный руководитель",
            "teacher": "учитель-предметник",
            "guardian": "родитель",
            "student": "учащийся",
        }
        print(f"Демонстрационная школа: {result.db}")
        print("Войдите под любым логином (роль, логин, пароль, кто):")
        for login in result.logins:
            role = roles.get(login["role"], login["role"])
            print(f"  {role:<22} {login['login']:<16} {login['password']:<16} {login['name']}")
    if args.no_open:
        return EXIT_OK
    from tui.app import run_app

    return run_app()


def cmd_check(args: argparse.Namespace) -> int:
    from models.store import check

    _open(args)
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
    from models.store import backup

    _open(args)
    report = backup(args.dest)
    print(
        f"Копия {args.dest} создана и проверена: целостность {report.integrity}, отметок {report.counts['marks']}."
    )
    return EXIT_OK if report.integrity == "ok" else EXIT_FAIL


def cmd_migrate(args: argparse.Namespace) -> int:
    from models.store import migrate

    applied = migrate(args.db)
    print("Схема обновлена: " + ", ".join(applied) if applied else "Схема уже актуальна.")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="journal",
        description="Электронный классный журнал. Без команды открывает приложение.",
    )
    db_help = "база данных: путь к файлу SQLite или postgresql://… (по умолчанию $JOURNAL_DB или journal.sqlite)"
    parser.add_argument("--db", help=db_help)
    parser.set_defaults(func=cmd_run)
    sub = parser.add_subparsers(dest="command", metavar="команда")

    def add(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", help=db_help, default=argparse.SUPPRESS)
        p.set_defaults(func=func)
        return p

    p = add("init", cmd_init, "создать пустую школу и её первого администратора")
    p.add_argument("--admin", default="admin", help="логин администратора (admin)")
    p.add_argument("--school", default="Школа", help="название школы")
    p.add_argument(
        "--password-stdin", action="store_true", help="прочитать пароль из стандартного ввода"
    )

    p = add("demo", cmd_demo, "создать (если нет) демонстрационную школу и открыть её")
    p.add_argument(
        "--size",
        choices=("small", "school"),
        default="small",
        help="small: 2 класса; school: 1–11 классы",
    )
    p.add_argument(
        "--full-year", action="store_true", help="заполнить весь учебный год (для замеров)"
    )
    p.add_argument("--no-open", action="store_true", help="не открывать приложение")
    p.add_argument("--json", action="store_true", help="вывести базу и логины одним JSON-объектом")

    p = add("check", cmd_check, "проверить целостность базы и показать число записей")
    p.add_argument("--json", action="store_true")

    p = add("backup", cmd_backup, "сделать согласованную копию базы во время работы и проверить её")
    p.add_argument("dest", help="файл копии (не должен существовать)")

    add("migrate", cmd_migrate, "обновить схему базы данных до текущей версии")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    if args.command == "demo" and args.db is None:
        args.db = os.environ.get("JOURNAL_DB") or "journal-demo.sqlite"
    from models.errors import JournalError

    try:
        return args.func(args)
    except JournalError as exc:
        _print_error(str(exc))
        return (
            EXIT_USAGE if exc.__class__.__name__ in ("ValidationError", "NotFound") else EXIT_FAIL
        )
    except KeyboardInterrupt:
        return EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main())
