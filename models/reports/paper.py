"""Paper duplicates (R8, R10, R23): for whom the homeroom teacher makes them, by the school's
paper policy (Settings.paper_policy): everyone («all»), only pupils whose data may not be
processed — no consent in force for the pupil or a guardian («no_consent») — or nobody
(«none»). The duties dashboard reminds of them: the week's diary extracts (R8) until one for
the class left the system this week, the report cards of the last period over (R10) until
they did. The export screen offers exactly these pupils.
"""

from __future__ import annotations

import datetime as dt

from models.core.schema import AuditEntry, Consent, Enrollment, StudentGuardian
from models.core.settings import PAPER_ALL, PAPER_NONE

DIARY_ACTION, CARD_ACTION = "export.diary", "export.report_card"


def _current(class_id: int, today: dt.date) -> list[int]:
    return [
        e.student_id
        for e in Enrollment.select(Enrollment.student)
        .where(
            (Enrollment.school_class == class_id)
            & (Enrollment.start <= today)
            & (Enrollment.end.is_null() | (Enrollment.end >= today))
        )
        .distinct()
    ]


def paper_pupils(class_id: int, today: dt.date, policy: str) -> list[int]:
    """The class's current pupils who get paper duplicates under `policy`."""
    if policy == PAPER_NONE:
        return []
    pupils = _current(class_id, today)
    if policy == PAPER_ALL or not pupils:
        return pupils
    in_force = (Consent.given_on <= today) & (Consent.withdrawn_on.is_null() | (Consent.withdrawn_on > today))
    consented = {
        c.student_id for c in Consent.select(Consent.student).where(in_force & Consent.student.in_(pupils))
    }
    guardians_of: dict[int, set[int]] = {}
    for link in StudentGuardian.select().where(StudentGuardian.student.in_(pupils)):
        guardians_of.setdefault(link.student_id, set()).add(link.guardian_id)
    consenting = {
        c.guardian_id
        for c in Consent.select(Consent.guardian).where(in_force & Consent.guardian.is_null(False))
    }
    # a pupil's data may be processed when the pupil or every guardian consented
    return [
        sid
        for sid in pupils
        if sid not in consented and not (guardians_of.get(sid) and guardians_of[sid] <= consenting)
    ]


def exported_since(action: str, class_id: int, since: dt.datetime, scope: str = "") -> bool:
    """Whether an export of the class (the audit target «class=…;scope=…;») left since then."""
    target = f"class={class_id};" + (f"scope={scope};" if scope else "")
    return (
        AuditEntry.select(AuditEntry.id)
        .where((AuditEntry.action == action) & (AuditEntry.at >= since) & AuditEntry.new.contains(target))
        .exists()
    )
