"""Export figures (DESIGN.md budgets): a class's paper-diary extracts for a week (xlsx) and
every report card of the school, to xlsx and to ods — through exports.run.export, the same
path the app and `journal export` take (reads, layout, private files, the audit entries).

    python benchmarks/exports.py DB      # prints one JSON object

`measure(db_path)` works on a copy of the database (each export writes an audit entry) in a
temporary folder, picks the largest class and last week (Monday–Saturday), and reports:
diary_week_class_s (median of 5 runs after a first, cold one — reported apart as
diary_week_class_cold_s: it pays for importing openpyxl), report_cards_school_xlsx_s and
report_cards_school_ods_s (one run each, every class in its current period).
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _copy(source: str, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    os.chmod(target, 0o600)


def measure(db_path: str, repeats: int = 5) -> dict:
    from models.core import clock
    from models.core import db as dbmod
    from models.core.access import SYSTEM
    from models.core.store import open_store
    from models.reports.extracts import class_range
    from models.school.calendar import current_year_id
    from models.school.classes import list_classes

    with tempfile.TemporaryDirectory(prefix="journal-exports-bench-") as tmp:
        folder = Path(tmp)
        if db_path.startswith(("postgresql://", "postgres://")):
            open_store(db_path)  # a scratch database: the exports only add their audit entries
        else:
            db = folder / "journal.sqlite"
            _copy(db_path, db)
            open_store(str(db))
        from exports.diary import default_range
        from exports.run import export

        classes = list_classes(current_year_id())
        start, end = default_range(clock.today())
        sizes = {c.id: len(class_range(SYSTEM, c.id, start, end).pupils) for c in classes}
        biggest = max(classes, key=lambda c: (sizes[c.id], -c.id))

        def diary(run: int) -> float:
            out = folder / f"diary-{run}"
            out.mkdir()
            t = time.perf_counter()
            export(SYSTEM, "diary", class_name=biggest.name, fmt="xlsx", out=out)
            return time.perf_counter() - t

        cold = diary(0)
        warm = [diary(i) for i in range(1, repeats + 1)]

        def cards(fmt: str) -> tuple[float, int]:
            out = folder / f"cards-{fmt}"
            out.mkdir()
            t = time.perf_counter()
            paths = export(SYSTEM, "report-card", class_name="all", fmt=fmt, out=out)
            return time.perf_counter() - t, len(paths)

        xlsx_s, files = cards("xlsx")
        ods_s, _ = cards("ods")
        pupils = sum(len(class_range(SYSTEM, c.id, clock.today(), clock.today()).pupils) for c in classes)
        dbmod.close()
    return {
        "diary_week_class_s": round(statistics.median(warm), 3),
        "diary_week_class_cold_s": round(cold, 3),
        "diary_class": f"{biggest.name} ({sizes[biggest.id]} уч.), {start:%d.%m}–{end:%d.%m.%Y}",
        "report_cards_school_xlsx_s": round(xlsx_s, 3),
        "report_cards_school_ods_s": round(ods_s, 3),
        "report_cards_files": files,
        "report_cards_pupils": pupils,
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1]), ensure_ascii=False, indent=2))
