"""A class's progress grid: pupils down, assigned modules across, in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

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

    @cached_property
    def _totals(self) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
        """[completed, assigned] per pupil id and per assignment id, counted once (a page asks for each)."""
        by_pupil = {p.id: [0, 0] for p in self.pupils}
        by_assignment = {a.id: [0, 0] for a in self.assignments}
        for (pupil_id, assignment_id), cell in self.cells.items():
            if pupil_id not in by_pupil or assignment_id not in by_assignment:
                continue
            done = cell.state == Status.COMPLETED
            for totals in (by_pupil[pupil_id], by_assignment[assignment_id]):
                totals[0] += done
                totals[1] += 1
        return by_pupil, by_assignment

    @property
    def table(self) -> list[tuple[User, list[Cell | None], int, int]]:
        """Row by row as the page draws it: the pupil, a cell per assignment (None: not set), completed, set."""
        columns = [a.id for a in self.assignments]
        by_pupil = self._totals[0]
        rows = []
        for pupil in self.pupils:
            pupil_id = pupil.id
            rows.append((pupil, [self.cells.get((pupil_id, column)) for column in columns], *by_pupil[pupil_id]))
        return rows

    def completed_count(self, assignment: Assignment) -> int:
        return self._totals[1][assignment.id][0]

    def assigned_count(self, assignment: Assignment) -> int:
        return self._totals[1][assignment.id][1]

    def pupil_completed(self, pupil: User) -> int:
        return self._totals[0][pupil.id][0]

    def pupil_assigned(self, pupil: User) -> int:
        return self._totals[0][pupil.id][1]

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
        # Only the columns a cell shows: whole rows (with every page seen) cost more to load than the page.
        rows = session.execute(select(Progress.pupil_id, Progress.module_id, Progress.status, Progress.best_score).where(
            Progress.school_id == school_class.school_id,
            Progress.module_id.in_(module_ids),
            Progress.pupil_id.in_(select(class_pupil.c.pupil_id).where(class_pupil.c.class_id == school_class.id))))
        progress = {(pupil_id, module_id): (status, best) for pupil_id, module_id, status, best in rows}
    grid = Grid(school_class, pupils, assignments)
    for assignment in assignments:
        chosen = {p.id for p in assignment.chosen_pupils}
        for pupil in pupils:
            if chosen and pupil.id not in chosen:
                continue
            status, best_score = progress.get((pupil.id, assignment.module_id), (Status.NOT_STARTED, None))
            grid.cells[(pupil.id, assignment.id)] = Cell(cell_state(status, assignment.due_date, today), best_score)
    if sort == "completion":
        # Fewest completed first: the pupils to follow up are at the top.
        grid.pupils.sort(key=lambda p: (grid.pupil_completed(p), p.display_name))
    return grid
