"""Small helpers that put records straight into the database for tests that need more than the demo."""

from contextlib import contextmanager

from sqlalchemy import event, select

from course.domain.passwords import hash_password
from course.extensions import db
from course.models import Role, School, SchoolClass, User

_HASHES: dict[str, str] = {}


def _hash(password: str) -> str:
    # Hashing is slow on purpose; tests reuse one hash per password.
    if password not in _HASHES:
        _HASHES[password] = hash_password(password)
    return _HASHES[password]


def make_user(app, username: str, role: Role = Role.TEACHER, password: str = "a-long-test-password",
              school_id: int | None = None, display_name: str | None = None, year_group: int | None = None) -> int:
    with app.app_context():
        school_id = school_id or db.session.scalars(select(School.id)).first()
        user = User(school_id=school_id, username=username, password_hash=_hash(password), role=role,
                    display_name=display_name or username.title(), year_group=year_group)
        db.session.add(user)
        db.session.commit()
        return user.id


def make_school(app, name: str = "Second School") -> int:
    from course.domain.directory import seed_help_services
    from course.web.content import library

    with app.app_context():
        school = School(name=name, region="uk", safeguarding_contact="Mr Other, room 1")
        db.session.add(school)
        db.session.flush()
        seed_help_services(db.session, school, library())
        db.session.commit()
        return school.id


def make_class(app, name: str, teacher_id: int, pupil_ids: list[int] = (), year_group: int | None = None) -> int:
    with app.app_context():
        teacher = db.session.get(User, teacher_id)
        school_class = SchoolClass(school_id=teacher.school_id, name=name, year_group=year_group)
        school_class.teachers.append(teacher)
        for pupil_id in pupil_ids:
            school_class.pupils.append(db.session.get(User, pupil_id))
        db.session.add(school_class)
        db.session.commit()
        return school_class.id


def class_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalars(select(SchoolClass.id).where(SchoolClass.name == name)).one()


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.username == username)).first()


@contextmanager
def count_queries(app):
    """Counts SQL statements sent while the block runs."""
    counter = {"n": 0}

    def _count(*_args):
        counter["n"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def migration_app(tmp_path):
    """An app on an empty SQLite file, for a migration test to upgrade and downgrade by hand, and `query(sql,
    write=False)` to read or write that database with plain SQL (rows, or None for a write)."""
    from sqlalchemy import text

    from course import create_app
    from tests.conftest import FIXTURE_CONTENT

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}",
                      "CONTENT_ROOT": str(FIXTURE_CONTENT), "SECRET_KEY": "test"})

    def query(sql: str, write: bool = False):
        with db.engine.begin() as connection:
            result = connection.execute(text(sql))
            return None if write else result.all()

    return app, query
