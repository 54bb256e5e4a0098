"""The district's figures (issue 20) on PostgreSQL: the demo district of N schools built into
a scratch database (journal demo --size district), the district's report over all of them,
one school's own analysis among them, and 100 writers typing marks into one school.

    python benchmarks/district.py --db postgresql://…/scratch [--schools 60] [--json]

Every figure checks what it measured: the report holds every school with its pupils, the
school's analysis every class, the writers' marks are in the database. Run by
benchmarks/run.py with --district N. No budget is asserted here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def measure(url: str, schools: int, writers: int = 100, marks: int = 40) -> dict:
    from benchmarks.writers import run_writers
    from demo.district import build_district
    from models.core import db as dbmod
    from models.core import tenancy
    from models.core.access import SYSTEM
    from models.core.schema import School, SchoolClass, User
    from models.reports.analysis import school_analysis
    from models.reports.district import ALL_GRADES, district_report
    from models.school.calendar import current_year_id

    result, built = _timed(lambda: build_district(url, schools, progress=log))
    with tenancy.district():
        ids = sorted(sid for (sid,) in School.select(School.id).tuples())
    if len(ids) < schools:
        raise SystemExit(f"the district has {len(ids)} schools, not {schools}")
    import threading

    if threading.active_count() != 1:  # models.core.side_by_side forks its readers only then
        raise SystemExit("the report's readers cannot fork here (other threads run): not measured")
    report, report_s = _timed(lambda: district_report(SYSTEM, None))
    totals = {r.school_id: r for r in report.rows if r.grade == ALL_GRADES and r.school_id is not None}
    if set(totals) != set(ids) or any(r.indicators.n == 0 for r in totals.values()):
        raise SystemExit("the district's report misses a school or its pupils")
    pupils = sum(r.indicators.n for r in totals.values())
    first = ids[0]
    tenancy.enter(first)
    admin = User.get((User.role == "admin") & (User.login == "admin"))
    from models.core.access import actor_of

    year = current_year_id()
    classes = SchoolClass.select().where(SchoolClass.year == year).count()
    analysed, school_s = _timed(lambda: school_analysis(actor_of(admin), year))
    if len(analysed) != classes:
        raise SystemExit(f"the school's analysis has {len(analysed)} classes of {classes}")
    dbmod.close()
    log(f"district report {report_s:.1f} s ({len(ids)} schools, {pupils} pupils); school {school_s:.2f} s")
    figures = {
        "district_schools": len(ids),
        "district_pupils_counted": pupils,
        "district_build_s": round(built, 1) if result.seconds else None,
        "district_report_s": round(report_s, 2),
        "school_report_s": round(school_s, 2),
        "school_report_classes": classes,
    }
    if writers:  # benchmarks/run.py measures its own writers100 before
        found = run_writers(url, writers, marks, log=log, overlap=max(1, marks // 5), school=first)
        if found["writers_commits"] == 0:
            raise SystemExit("the writers wrote nothing")
        figures.update({k.replace("writers_", "writers100_", 1): v for k, v in found.items()})
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Замеры района (PostgreSQL): один JSON-объект.")
    parser.add_argument("--db", required=True, help="postgresql://… (a scratch database)")
    parser.add_argument("--schools", type=int, default=60)
    parser.add_argument("--writers", type=int, default=100)
    parser.add_argument("--marks", type=int, default=40, help="marks per writer")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.db.startswith(("postgresql://", "postgres://")):
        parser.error("the district runs on PostgreSQL: --db postgresql://…")
    figures = measure(args.db, args.schools, args.writers, args.marks)
    print(
        json.dumps(figures, ensure_ascii=False)
        if args.json
        else "\n".join(f"{k}: {v}" for k, v in figures.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
