"""The one place that decides which classes, pupils and requests a viewer may see.

Every view that lists or opens a class, a pupil or a help request asks here, so none can forget the
school boundary or the viewer's role. Each function returns a query already narrowed to the viewer.
"""

from sqlalchemy import Select, bindparam, exists, false, or_, select
from sqlalchemy.orm import Session

from ..models import (
    Assignment,
    HelpRequest,
    Role,
    School,
    SchoolClass,
    User,
    assignment_pupil,
    class_pupil,
    class_teacher,
)


def classes_for(viewer: User, include_archived: bool = False) -> Select[tuple[SchoolClass]]:
    query = select(SchoolClass).where(SchoolClass.school_id == viewer.school_id)
    if not include_archived:
        query = query.where(SchoolClass.archived_at.is_(None))
    if viewer.role == Role.TEACHER:
        query = query.where(exists().where(class_teacher.c.class_id == SchoolClass.id,
                                           class_teacher.c.teacher_id == viewer.id))
    elif viewer.role == Role.PUPIL:
        query = query.where(exists().where(class_pupil.c.class_id == SchoolClass.id,
                                           class_pupil.c.pupil_id == viewer.id))
    elif viewer.role not in (Role.SAFEGUARDING_LEAD, Role.ADMIN):
        query = query.where(false())
    return query.order_by(SchoolClass.name)


def pupils_for(viewer: User) -> Select[tuple[User]]:
    """Pupils the viewer may see: teachers their classes' pupils; leads and admins the school's."""
    query = select(User).where(User.school_id == viewer.school_id, User.role == Role.PUPIL)
    if viewer.role == Role.TEACHER:
        taught = (select(class_pupil.c.pupil_id)
                  .join(class_teacher, class_teacher.c.class_id == class_pupil.c.class_id)
                  .where(class_teacher.c.teacher_id == viewer.id))
        query = query.where(User.id.in_(taught))
    elif viewer.role == Role.PUPIL:
        query = query.where(User.id == viewer.id)
    elif viewer.role not in (Role.SAFEGUARDING_LEAD, Role.ADMIN):
        query = query.where(false())
    return query.order_by(User.display_name)


def attachable_pupils(viewer: User) -> Select[tuple[User]]:
    """Pupils already in Harbour whom the viewer may put into a class of theirs.

    Leads and admins: any pupil of the school. A teacher: pupils in no active class, and pupils already
    in one of the teacher's classes; a pupil in another teacher's class is moved by that teacher, a lead
    or an admin, never pulled across by a CSV row.
    """
    query = select(User).where(User.school_id == viewer.school_id, User.role == Role.PUPIL)
    if viewer.role == Role.TEACHER:
        active = (select(class_pupil.c.pupil_id)
                  .join(SchoolClass, SchoolClass.id == class_pupil.c.class_id)
                  .where(SchoolClass.archived_at.is_(None)))
        taught = (select(class_pupil.c.pupil_id)
                  .join(class_teacher, class_teacher.c.class_id == class_pupil.c.class_id)
                  .join(SchoolClass, SchoolClass.id == class_pupil.c.class_id)
                  .where(class_teacher.c.teacher_id == viewer.id, SchoolClass.archived_at.is_(None)))
        query = query.where(or_(User.id.not_in(active), User.id.in_(taught)))
    elif viewer.role not in (Role.SAFEGUARDING_LEAD, Role.ADMIN):
        query = query.where(false())
    return query


def visible_class(session: Session, viewer: User, class_id: int, include_archived: bool = True) -> SchoolClass | None:
    return session.scalars(classes_for(viewer, include_archived).where(SchoolClass.id == class_id)).first()


def visible_pupil(session: Session, viewer: User, pupil_id: int) -> User | None:
    return session.scalars(pupils_for(viewer).where(User.id == pupil_id)).first()


def _set_for_pupil(query: Select) -> Select:
    """Narrow a query over Assignment to those set for the pupil bound as :pupil_id at :school_id: their
    current classes' assignments, whole-class or chosen for them."""
    return (
        query
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(class_pupil, class_pupil.c.class_id == SchoolClass.id)
        .where(
            Assignment.school_id == bindparam("school_id"),
            SchoolClass.archived_at.is_(None),
            class_pupil.c.pupil_id == bindparam("pupil_id"),
            or_(
                ~exists().where(assignment_pupil.c.assignment_id == Assignment.id),
                exists().where(assignment_pupil.c.assignment_id == Assignment.id,
                               assignment_pupil.c.pupil_id == bindparam("pupil_id")),
            ),
        )
    )


# Built once at import: the pupil's pages run these on every request, and building a select afresh
# (coercing every clause) cost about a third of a lesson page. Parameters: pupil_params(pupil).
ASSIGNMENTS_FOR_PUPIL = _set_for_pupil(select(Assignment))


def pupil_params(pupil: User) -> dict[str, int]:
    return {"pupil_id": pupil.id, "school_id": pupil.school_id}


def assignments_for_pupil(pupil: User) -> Select[tuple[Assignment]]:
    """The assignments set for this pupil (as ASSIGNMENTS_FOR_PUPIL, with the pupil's values bound)."""
    return ASSIGNMENTS_FOR_PUPIL.params(**pupil_params(pupil))


def set_for_pupil(query: Select) -> Select:
    """Any query over Assignment narrowed to what is set for a pupil; run it with pupil_params(pupil)."""
    return _set_for_pupil(query)


def help_requests_for(viewer: User) -> Select[tuple[HelpRequest]]:
    """Pupils' requests to talk: the school's safeguarding leads see them, and no one else."""
    query = select(HelpRequest).where(HelpRequest.school_id == viewer.school_id)
    if viewer.role != Role.SAFEGUARDING_LEAD:
        query = query.where(false())
    return query


def own_help_requests(pupil: User) -> Select[tuple[HelpRequest]]:
    return select(HelpRequest).where(HelpRequest.school_id == pupil.school_id,
                                     HelpRequest.pupil_id == pupil.id)


def schools_for(viewer: User) -> Select[tuple[School]]:
    """Schools the viewer may see side by side: every school of the installation for a trust admin, none else."""
    query = select(School).order_by(School.name)
    if viewer.role != Role.TRUST_ADMIN:
        query = query.where(false())
    return query


def visible_school(session: Session, viewer: User, school_id: int) -> School | None:
    return session.scalars(schools_for(viewer).where(School.id == school_id)).first()


def pupil_ids_for(viewer: User, class_id: int | None = None, year_group: int | None = None) -> Select[tuple[int]]:
    """The ids of the pupils the viewer may count (as pupils_for), narrowed to one class or year group:
    a subquery for the school's aggregate views."""
    query = pupils_for(viewer).with_only_columns(User.id).order_by(None)
    if class_id is not None:
        query = query.where(User.id.in_(select(class_pupil.c.pupil_id).where(class_pupil.c.class_id == class_id)))
    if year_group is not None:
        query = query.where(User.year_group == year_group)
    return query


def school_pupil_ids(school_id: int, year_group: int | None = None) -> Select[tuple[int]]:
    """The ids of a school's pupils (or one year group's), for counts that name no one: the evidence pack,
    which the school's lead and the trust admin both open."""
    query = select(User.id).where(User.school_id == school_id, User.role == Role.PUPIL)
    if year_group is not None:
        query = query.where(User.year_group == year_group)
    return query
