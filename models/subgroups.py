"""Splitting a class into subgroups per subject and period (R15)."""

from __future__ import annotations

from models import audit
from models.access import Actor, require_class_keeper
from models.errors import NotFound, ValidationError
from models.schema import Enrollment, Period, Subgroup, SubgroupMember
from models.service import service


@service
def assign_subgroup(actor: Actor, subgroup_id: int, student_id: int, period_id: int) -> None:
    """Put a pupil into a subgroup for a period (moving them out of its sibling groups)."""
    subgroup = Subgroup.get_or_none(Subgroup.id == subgroup_id)
    if subgroup is None:
        raise NotFound("Такой подгруппы нет.")
    require_class_keeper(actor, subgroup.school_class_id)
    period = Period.get_or_none(Period.id == period_id)
    if period is None:
        raise NotFound("Такого учебного периода нет.")
    enrolled = Enrollment.select(Enrollment.id).where(
        (Enrollment.student == student_id)
        & (Enrollment.school_class == subgroup.school_class_id)
        & (Enrollment.start <= period.end)
        & (Enrollment.end.is_null() | (Enrollment.end >= period.start))
    )
    if not enrolled.exists():
        raise ValidationError("Учащийся не числится в классе в этом периоде.")
    siblings = Subgroup.select(Subgroup.id).where(
        (Subgroup.school_class == subgroup.school_class_id)
        & (Subgroup.subject == subgroup.subject_id)
    )
    previous = (
        SubgroupMember.select()
        .where(
            (SubgroupMember.student == student_id)
            & (SubgroupMember.period == period_id)
            & (SubgroupMember.subgroup.in_(siblings))
        )
        .first()
    )
    if previous is not None and previous.subgroup_id == subgroup_id:
        return
    if previous is not None:
        SubgroupMember.delete().where(SubgroupMember.id == previous.id).execute()
    SubgroupMember.create(subgroup=subgroup_id, student=student_id, period=period_id)
    audit.record(
        actor,
        "subgroup.assign",
        "student",
        student_id,
        {"subgroup": previous.subgroup_id if previous else None, "period": period_id},
        {"subgroup": subgroup_id, "period": period_id},
    )
