"""Classes and their pupils: adding pupils, importing a checked list (all rows or none), first passwords."""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Role, School, SchoolClass, User
from .oneroster import is_zip, read_oneroster_zip
from .passwords import child_friendly_password, hash_password
from .pupil_import import ImportPreview, ImportProblem, ImportRow, read_pupil_csv, username_base
from .scope import attachable_pupils

# A pupil added by a teacher cannot log in until a login card gives them a first password.
NO_PASSWORD_YET = "!no-password-yet"  # noqa: S105 (not a password: a hash no password matches)


def read_pupil_file(data: bytes, school_name: str) -> ImportPreview:
    """A pupil CSV, or a OneRoster 1.1 zip: told apart by the zip's first bytes, checked the same way after."""
    return read_oneroster_zip(data, school_name) if is_zip(data) else read_pupil_csv(data)


@dataclass
class ImportPlan:
    preview: ImportPreview
    new_rows: list[ImportRow] = field(default_factory=list)
    existing: dict[int, User] = field(default_factory=dict)  # row -> the pupil already here
    new_classes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.preview.ok


def plan_import(session: Session, teacher: User, preview: ImportPreview, target: SchoolClass | None,
                taught: list[SchoolClass]) -> ImportPlan:
    """Check the rows against the school: usernames taken, pupils already here, classes the teacher may fill.

    "Already here" matches only pupils the importer may attach (`scope.attachable_pupils`): for a teacher,
    a row naming a child in another teacher's class reads exactly as a child Harbour has never seen (a new
    pupil), so the preview never tells a teacher who else is at the school.
    """
    plan = ImportPlan(preview)
    if preview.problems:
        return plan
    school_id = teacher.school_id
    pupils = session.scalars(attachable_pupils(teacher)).all()
    by_mis = {p.mis_id: p for p in pupils if p.mis_id}
    by_name = {(p.display_name.casefold(), p.year_group): p for p in pupils}
    taken = set(session.scalars(select(User.username).where(User.school_id == school_id)))
    accounts = dict(session.execute(select(User.sso_name, User.id).where(User.school_id == school_id,
                                                                         User.sso_name.is_not(None))).all())
    taught_names = {c.name.casefold(): c for c in taught}
    all_classes = {c.name.casefold() for c in session.scalars(
        select(SchoolClass).where(SchoolClass.school_id == school_id, SchoolClass.archived_at.is_(None)))}
    for row in preview.rows:
        existing = by_mis.get(row.mis_id) if row.mis_id else by_name.get((row.display_name.casefold(), row.year_group))
        holder = accounts.get(row.sso_name) if row.sso_name else None
        if holder is not None and (existing is None or existing.id != holder):
            preview.problems.append(ImportProblem(row.row, preview.headers.get("sso_name"), (
                f"The school account {row.sso_name} already belongs to someone else in Harbour.")))
        if existing is not None:
            plan.existing[row.row] = existing
        elif row.username and row.username in taken:
            preview.problems.append(ImportProblem(row.row, preview.headers.get("username"),
                                                  f"The username “{row.username}” is taken by someone else.",
                                                  preview.file))
        else:
            plan.new_rows.append(row)
        if target is None:
            if not row.class_names:
                preview.problems.append(ImportProblem(row.row, preview.headers.get("class_name", "class"),
                                                      "The class is missing (or choose one class for everyone).",
                                                      preview.file))
            for class_name in row.class_names:
                name = class_name.casefold()
                if name not in taught_names and name in all_classes:
                    preview.problems.append(ImportProblem(row.row, preview.headers.get("class_name"),
                                                          f"Class “{class_name}” belongs to other teachers.",
                                                          preview.file))
                elif name not in taught_names and class_name not in plan.new_classes:
                    plan.new_classes.append(class_name)
    return plan


def unique_username(base: str, taken: set[str]) -> str:
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    taken.add(candidate)
    return candidate


def apply_import(session: Session, teacher: User, plan: ImportPlan, target: SchoolClass | None,
                 taught: list[SchoolClass]) -> tuple[list[User], list[User]]:
    """Save the whole plan in one transaction; the caller commits.

    Returns the pupils added and the pupils already here who were put into a class they were not in.
    """
    school: School = teacher.school
    classes = {c.name.casefold(): c for c in taught}
    for name in plan.new_classes:
        created = SchoolClass(school_id=teacher.school_id, name=name, year_group=None)
        created.teachers.append(teacher)
        session.add(created)
        classes[name.casefold()] = created
    taken = set(session.scalars(select(User.username).where(User.school_id == teacher.school_id)))
    added, attached = [], []
    for row in plan.preview.rows:
        pupil = plan.existing.get(row.row)
        if pupil is None:
            pupil = User(school_id=teacher.school_id, role=Role.PUPIL, display_name=row.display_name,
                         year_group=row.year_group, mis_id=row.mis_id or None, password_hash=NO_PASSWORD_YET,
                         sso_name=row.sso_name or None,
                         username=unique_username(row.username or username_base(row.first_name, row.last_name), taken),
                         must_change_password=school.pupils_choose_password)
            session.add(pupil)
            added.append(pupil)
        elif row.sso_name and pupil.sso_name is None:
            # A re-import fills in a school account the pupil did not have; one an admin set is kept.
            pupil.sso_name = row.sso_name
        for school_class in [target] if target else [classes[name.casefold()] for name in row.class_names]:
            if pupil not in school_class.pupils:
                school_class.pupils.append(pupil)
                if pupil not in added and pupil not in attached:
                    attached.append(pupil)
    for school_class in classes.values():
        if school_class.year_group is None:
            years = {p.year_group for p in school_class.pupils if p.year_group}
            if len(years) == 1:
                school_class.year_group = years.pop()
    return added, attached


def import_audit_detail(rows: int, added: list[User], attached: list[User]) -> str:
    """The audit line of an import. Pupils attached are named by id: an id outlives an erasure harmlessly."""
    detail = f"{rows} rows, {len(added)} new pupils"
    if attached:
        detail += f", {len(attached)} already here put into the class: pupil ids " + ", ".join(
            str(p.id) for p in attached)
    return detail


def add_pupil(session: Session, teacher: User, school_class: SchoolClass, first_name: str, last_name: str,
              year_group: int, username: str | None) -> User:
    taken = set(session.scalars(select(User.username).where(User.school_id == teacher.school_id)))
    pupil = User(school_id=teacher.school_id, role=Role.PUPIL, display_name=f"{first_name} {last_name}".strip(),
                 year_group=year_group, password_hash=NO_PASSWORD_YET,
                 username=unique_username(username or username_base(first_name, last_name), taken),
                 must_change_password=teacher.school.pupils_choose_password)
    session.add(pupil)
    school_class.pupils.append(pupil)
    return pupil


def username_taken(session: Session, school_id: int, username: str) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User).where(
        User.school_id == school_id, User.username == username)))


def give_new_passwords(pupils: list[User], school: School) -> dict[int, str]:
    """New first passwords (shown once, on login cards); their old sessions end."""
    passwords = {}
    for pupil in pupils:
        password = child_friendly_password()
        pupil.password_hash = hash_password(password)
        pupil.must_change_password = school.pupils_choose_password
        pupil.rotate_session_token()
        passwords[pupil.id] = password
    return passwords
