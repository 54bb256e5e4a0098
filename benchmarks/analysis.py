"""Analysis figures (DESIGN.md budgets): the period analysis of one class, the same per pupil ×
subject figures from one hand-written SQL aggregate in the same run, the control report of a
class and the whole school's analysis.

    python benchmarks/analysis.py DB      # prints one JSON object

`measure(db_path)` opens the store (a school-size demo: `journal.py demo --size school`),
picks the largest class of grades 1–9 and its period today, and reports medians of repeated,
interleaved runs (a warm-up run first, as a screen reopened during the day would be).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# One statement computing the same per pupil × subject figures as the analysis: the number
# of marks, the mean and the weighted mean, the suggested mark (the school's threshold and
# minimum), the final mark, missed lessons (unexcused, excused; late apart) and, per pupil,
# whole days missed (every lesson of the pupil's day, subgroups included). Written for
# SQLite (the demo file); "?" placeholders in order.
HAND_SQL = """
SELECT m.student_id, c.subject_id, 'm', COUNT(*), AVG(m.value),
       SUM(m.value * COALESCE(wm.weight, wl.weight, 1)) * 1.0 / SUM(COALESCE(wm.weight, wl.weight, 1)),
       CASE WHEN COUNT(*) < ? THEN 'н/а'
            ELSE CAST(CAST(SUM(m.value * COALESCE(wm.weight, wl.weight, 1)) * 1.0
                      / SUM(COALESCE(wm.weight, wl.weight, 1)) + (1 - ?) AS INTEGER) AS TEXT) END,
       0, 0, 0
FROM mark m
JOIN lesson l ON l.id = m.lesson_id
JOIN course c ON c.id = l.course_id
LEFT JOIN work_type wm ON wm.id = m.work_type_id
LEFT JOIN work_type wl ON wl.id = l.work_type_id
WHERE c.school_class_id = ? AND l.date >= ? AND l.date <= ?
GROUP BY m.student_id, c.subject_id
UNION ALL
SELECT a.student_id, c.subject_id, 'a', COUNT(*), NULL, NULL, '',
       SUM(CASE WHEN a.code = 'н' THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.code IN ('б', 'у') THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.code = 'о' THEN 1 ELSE 0 END)
FROM absence a
JOIN lesson l ON l.id = a.lesson_id
JOIN course c ON c.id = l.course_id
WHERE c.school_class_id = ? AND l.date >= ? AND l.date <= ?
GROUP BY a.student_id, c.subject_id
UNION ALL
SELECT f.student_id, f.subject_id, 'f', 0, NULL, NULL, f.value, 0, 0, 0
FROM final_mark f
WHERE f.scope = ? AND f.student_id IN (SELECT e.student_id FROM enrollment e WHERE e.school_class_id = ?)
UNION ALL
SELECT d.student_id, NULL, 'd', COUNT(*), NULL, NULL, '', 0, 0, 0
FROM (SELECT a.student_id, l.date AS day, COUNT(*) AS missed
      FROM absence a
      JOIN lesson l ON l.id = a.lesson_id
      JOIN course c ON c.id = l.course_id
      WHERE c.school_class_id = ? AND l.date >= ? AND l.date <= ? AND a.code <> 'о'
      GROUP BY a.student_id, l.date) d
WHERE d.missed >= (
    SELECT COUNT(*) FROM lesson l2 JOIN course c2 ON c2.id = l2.course_id
    WHERE c2.school_class_id = ? AND l2.date = d.day
      AND (c2.subgroup_id IS NULL OR EXISTS (
          SELECT 1 FROM subgroup_member sm
          WHERE sm.subgroup_id = c2.subgroup_id AND sm.student_id = d.student_id
            AND sm.period_id = ?)))
GROUP BY d.student_id
"""


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def measure(db_path: str, repeats: int = 15) -> dict:
    from models.core import clock
    from models.core.access import SYSTEM
    from models.core.db import database
    from models.core.schema import Enrollment, Period, SchoolClass
    from models.core.settings import load as load_settings
    from models.core.store import open_store
    from models.reports.analysis import class_analysis, school_analysis
    from models.reports.control import control_report
    from models.school.calendar import current_year_id

    open_store(db_path)
    today = clock.today()
    year_id = current_year_id()
    sizes = {}
    for school_class in SchoolClass.select().where((SchoolClass.year == year_id) & (SchoolClass.grade <= 9)):
        sizes[school_class.id] = (
            Enrollment.select()
            .where(
                (Enrollment.school_class == school_class.id)
                & (Enrollment.start <= today)
                & (Enrollment.end.is_null() | (Enrollment.end >= today))
            )
            .count()
        )
    class_id = max(sizes, key=lambda cid: (sizes[cid], -cid))
    school_class = SchoolClass.get_by_id(class_id)
    periods = list(
        Period.select()
        .where(
            (Period.year == year_id)
            & (Period.grade_from <= school_class.grade)
            & (Period.grade_to >= school_class.grade)
        )
        .order_by(Period.start)
    )
    period = next((p for p in periods if p.start <= today <= p.end), None) or max(
        (p for p in periods if p.end < today), key=lambda p: p.end
    )
    sql = HAND_SQL.replace("?", database.param)  # (on PostgreSQL CAST rounds: timing only)
    settings = load_settings()
    span = (class_id, period.start, period.end)
    params = (
        settings.min_marks_for_period,
        float(settings.rounding_threshold),
        *span,
        *span,
        f"P{period.id}",
        class_id,
        *span,
        class_id,
        period.id,
    )

    def hand() -> int:
        return len(database.execute_sql(sql, params).fetchall())

    def ours() -> int:
        result = class_analysis(SYSTEM, class_id, period.id)
        return len(result.pupils)

    def control() -> int:
        return len(control_report(SYSTEM, class_id, period.start, min(today, period.end)))

    hand()
    ours()
    control()
    hand_s, ours_s, control_s = [], [], []
    for _ in range(repeats):
        t = time.perf_counter()
        hand()
        hand_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        ours()
        ours_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        control()
        control_s.append(time.perf_counter() - t)
    school_runs = []
    for _ in range(3):
        t = time.perf_counter()
        analysed = school_analysis(SYSTEM, year_id)
        school_runs.append(time.perf_counter() - t)
    class_ms = _median_ms(ours_s)
    sql_ms = _median_ms(hand_s)
    return {
        "class_analysis_ms": class_ms,
        "class_analysis_sql_ms": sql_ms,
        "class_analysis_vs_sql": round(class_ms / sql_ms, 3) if sql_ms else None,
        "control_report_ms": _median_ms(control_s),
        "school_analysis_s": round(statistics.median(school_runs), 3),
        "analysis_class": f"{school_class.name} ({sizes[class_id]} уч.), {period.name}",
        "analysis_classes": len(analysed),
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1]), ensure_ascii=False, indent=2))
