"""A class's progress grid: pupils down, assigned modules across, in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Assignment, Module, Progress, SchoolClass, Status, User, class_pupil
from .progress import STATE_LABELS, cell_state


@dataclass
class Cell:
    state: str  # not_started, in_progress, completed, overdue
    best_score: int | None


@dataclass
class Grid:
    school_class: SchoolClass
    pupils: list[User]
    assignments: list[Assignment]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)  # (pupil_id, assignment_id)

    def cell(self, pupil: User, assignment: Assignment) -> Cell | None:
        return self.cells.get((pupil.id, assignment.id))

    def completed_count(self, assignment: Assignment) -> int:
        return sum(1 for p in self.pupils if (c := self.cell(p, assignment)) and c.state == Status.COMPLETED)

    def assigned_count(self, assignment: Assignment) -> int:
        return sum(1 for p in self.pupils if self.cell(p, assignment) is not None)

    def pupil_completed(self, pupil: User) -> int:
        return sum(1 for a in self.assignments if (c := self.cell(pupil, a)) and c.state == Status.COMPLETED)

    def pupil_assigned(self, pupil: User) -> int:
        return sum(1 for a in self.assignments if self.cell(pupil, a) is not None)

    def rows(self) -> list[list[str]]:
        """The grid as text, exactly as the page shows it: for the CSV export."""
        header = ["Pupil", *[a.module.title for a in self.assignments], "Completed"]
        body = []
        for pupil in self.pupils:
            cells = []
            for assignment in self.assignments:
                cell = self.cell(pupil, assignment)
                if cell is None:
                    cells.append("Not set")
                else:
                    score = f" ({cell.best_score}%)" if cell.best_score is not None else ""
                    cells.append(STATE_LABELS[cell.state] + score)
            body.append([pupil.display_name, *cells, f"{self.pupil_completed(pupil)} of {self.pupil_assigned(pupil)}"])
        totals = ["Completed", *[f"{self.completed_count(a)} of {self.assigned_count(a)}" for a in self.assignments], ""]
        return [header, *body, totals]


def class_grid(session: Session, school_class: SchoolClass, today: date, sort: str = "name") -> Grid:
    pupils = list(session.scalars(
        select(User).join(class_pupil, class_pupil.c.pupil_id == User.id)
        .where(class_pupil.c.class_id == school_class.id).order_by(User.display_name)))
    assignments = list(session.scalars(
        select(Assignment).join(Module).where(Assignment.class_id == school_class.id)
        .options(selectinload(Assignment.chosen_pupils), selectinload(Assignment.module))
        .order_by(Module.position)))
    pupil_ids = [p.id for p in pupils]
    module_ids = {a.module_id for a in assignments}
    progress = {}
    if pupil_ids and module_ids:
        rows = session.scalars(select(Progress).where(
            Progress.school_id == school_class.school_id,
            Progress.module_id.in_(module_ids),
            Progress.pupil_id.in_(select(class_pupil.c.pupil_id).where(class_pupil.c.class_id == school_class.id))))
        progress = {(p.pupil_id, p.module_id): p for p in rows}
    grid = Grid(school_class, pupils, assignments)
    for assignment in assignments:
        chosen = {p.id for p in assignment.chosen_pupils}
        for pupil in pupils:
            if chosen and pupil.id not in chosen:
                continue
            row = progress.get((pupil.id, assignment.module_id))
            status = row.status if row else Status.NOT_STARTED
            grid.cells[(pupil.id, assignment.id)] = Cell(cell_state(status, assignment.due_date, today),
                                                          row.best_score if row else None)
    if sort == "completion":
        # Fewest completed first: the pupils to follow up are at the top.
        grid.pupils.sort(key=lambda p: (grid.pupil_completed(p), p.display_name))
    return grid
