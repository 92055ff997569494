"""Whole-school coverage: how many pupils each module has reached, counted in the database."""

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from .models import Assignment, Module, Progress, Role, SchoolClass, Status, User, class_pupil


@dataclass(frozen=True)
class ModuleCoverage:
    module: Module
    pupils_assigned: int
    pupils_completed: int

    @property
    def percent(self) -> int:
        return self.pupils_completed * 100 // self.pupils_assigned if self.pupils_assigned else 0


def module_coverage(session: Session, school_id: int) -> list[ModuleCoverage]:
    """For each module: pupils it is set for (through their classes) and how many completed it."""
    assigned = dict(session.execute(
        select(Assignment.module_id, func.count(distinct(class_pupil.c.pupil_id)))
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(class_pupil, class_pupil.c.class_id == SchoolClass.id)
        .join(User, User.id == class_pupil.c.pupil_id)
        .where(Assignment.school_id == school_id, SchoolClass.archived_at.is_(None), User.left_at.is_(None))
        .group_by(Assignment.module_id)).all())
    completed = dict(session.execute(
        select(Progress.module_id, func.count())
        .join(User, User.id == Progress.pupil_id)
        .where(Progress.school_id == school_id, Progress.status == Status.COMPLETED,
               User.role == Role.PUPIL, User.left_at.is_(None))
        .group_by(Progress.module_id)).all())
    modules = session.scalars(select(Module).where(Module.available).order_by(Module.position))
    return [ModuleCoverage(m, assigned.get(m.id, 0), completed.get(m.id, 0)) for m in modules]
