"""Two people typing into the same cells never lose a write nor break a rule (DESIGN.md: every
read-check-write is atomic on both backends), on SQLite and on PostgreSQL.

Three processes at once, over the same 60 cells, several rounds: the subject teacher in two
windows (marks and clearing), the homeroom teacher marking «н» and «о» in the teacher's
lessons. Afterwards no cell holds a mark with an absence other than «о» or more than two
marks; every refusal is a rule the writer met, in Russian; each cell's audit entries form
one chain, every entry's "before" the previous one's "after", the last one the cell as it is;
and every acknowledged change has its entry.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from models.core.schema import Absence, AuditEntry, Mark
from tests.conftest import PG_URL
from tests.writers import build_school10, start_writer

pytestmark = pytest.mark.slow

LESSONS = 6  # × 10 pupils = 60 cells, all typed into by the three writers
ROUNDS = 3
# what a writer may be told when another has just written the cell: the rules, in Russian
RULE_REFUSALS = ("сначала уберите его", "пропуск поставить нельзя")


def _ops(cells: list[tuple[int, int]], values: list[str], seed: int) -> list[list]:
    rng = random.Random(seed)
    ops = []
    for _ in range(ROUNDS):
        order = cells[:]
        rng.shuffle(order)
        ops += [[lesson, pupil, rng.choice(values)] for lesson, pupil in order]
    return ops


def test_teachers_typing_into_the_same_cells_lose_nothing(store, tmp_path: Path):
    url = str(tmp_path / "journal.sqlite") if store == "sqlite" else PG_URL
    school = build_school10(Path(url) if store == "sqlite" else Path("pg"), LESSONS)
    s = school.s
    lessons = school.lessons[s.math_a]
    cells = [(lesson, pupil) for lesson in lessons for pupil in school.pupils]
    first_audit = AuditEntry.select().order_by(AuditEntry.id.desc()).first().id
    from models.core import db as dbmod

    dbmod.close()  # the writers open the store themselves
    jobs = [
        (s.teacher.user_id, _ops(cells, ["5", "4", "3", "-"], seed=1)),
        (s.teacher.user_id, _ops(cells, ["2", "4", "5", "-"], seed=2)),
        (s.homeroom.user_id, _ops(cells, ["н", "о", "н"], seed=3)),
    ]
    writers = [start_writer(url, actor, ops, wait=True) for actor, ops in jobs]
    for w in writers:
        assert w.ready.wait(60), "a writer did not start"
    for w in writers:
        w.go()
    for w in writers:
        assert w.finish() == 0
    from models.core.store import open_store

    open_store(url)

    # every refusal is a rule the writer met, nothing else (no duplicate key, no "not your subject")
    refusals = [line for w in writers for line in w.errors()]
    wrong = [
        line
        for line in refusals
        if "ValidationError" not in line or not any(r in line for r in RULE_REFUSALS)
    ]
    assert wrong == [], wrong[:5]
    done = [w.done()[0].split() for w in writers]
    assert sum(int(d[1]) + int(d[2]) for d in done) == sum(len(ops) for _, ops in jobs)

    # no cell breaks a rule
    marks: dict[tuple[int, int], list[int]] = defaultdict(list)
    for lesson, pupil, value in (
        Mark.select(Mark.lesson, Mark.student, Mark.value)
        .where(Mark.lesson.in_(lessons))
        .order_by(Mark.position)
        .tuples()
    ):
        marks[(lesson, pupil)].append(value)
    absences = {
        (lesson, pupil): code
        for lesson, pupil, code in Absence.select(Absence.lesson, Absence.student, Absence.code)
        .where(Absence.lesson.in_(lessons))
        .tuples()
    }
    assert all(len(v) <= 2 for v in marks.values())
    assert [c for c in marks if absences.get(c) not in (None, "о")] == []

    # each cell's audit trail is one chain ending in the cell as it is
    chain: dict[tuple[int, int], list[tuple[dict, dict]]] = defaultdict(list)
    per_user = Counter()
    for entry in (
        AuditEntry.select()
        .where((AuditEntry.id > first_audit) & (AuditEntry.entity == "cell"))
        .order_by(AuditEntry.id)
    ):
        old, new = json.loads(entry.old), json.loads(entry.new)
        chain[(entry.entity_id, old["student"])].append((old, new))
        per_user[entry.user_id] += 1
    for lesson, pupil in cells:
        state = {"absence": None, "marks": []}
        for old, new in chain[(lesson, pupil)]:
            assert {"absence": old["absence"], "marks": old["marks"]} == state, (lesson, pupil)
            state = {"absence": new["absence"], "marks": new["marks"]}
        assert state == {"absence": absences.get((lesson, pupil)), "marks": marks.get((lesson, pupil), [])}

    # every acknowledged change has its entry, and no entry is without an acknowledgement
    acked = Counter()
    for (actor, _), w in zip(jobs, writers, strict=True):
        acked[actor] += sum(1 for line in w.lines if line.startswith("ok ") and line.split()[4] == "1")
    assert acked == per_user
    assert sum(acked.values()) > len(cells)  # the writers really did change the cells, often
