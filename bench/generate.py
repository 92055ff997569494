"""A realistic school (or a trust of schools) on a fresh database, written with bulk inserts.

Rows go in with one executemany per table and ids chosen here, so 30,000 pupils take seconds, not
minutes. Every pupil shares one argon2 hash, made once: hashing is slow on purpose and the benchmark
logs pupils in with pre-made session cookies, not passwords.
"""

import enum
import json
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_migrate import upgrade
from sqlalchemy import JSON, create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from course import create_app
from course.config import PROJECT_ROOT
from course.domain.directory import seed_help_services
from course.domain.passwords import hash_password
from course.domain.scoring import mark_quiz
from course.extensions import db
from course.models import (
    Assignment,
    AttemptAnswer,
    CheckPhase,
    KnowledgeCheckAnswer,
    KnowledgeCheckAttempt,
    Progress,
    QuizAttempt,
    Role,
    School,
    SchoolClass,
    Status,
    User,
    utcnow,
)
from course.models.classes import class_pupil, class_teacher
from course.web.content import library, module_ids, sync_modules

YEAR_GROUPS = [7, 8, 9, 10, 11, 12, 13]
# Tables with an integer id this module chooses; PostgreSQL's sequences are moved past them after.
ID_TABLES = [User, SchoolClass, Assignment, Progress, QuizAttempt, AttemptAnswer, KnowledgeCheckAttempt,
             KnowledgeCheckAnswer]


@dataclass
class SchoolFacts:
    """What the load generator needs to know about one generated school."""
    school_id: int
    pupils: int
    pupil_ids: list[int] = field(default_factory=list)
    teacher_id: int = 0
    teacher_class_id: int = 0
    dsl_id: int = 0


def bench_app(database_url: str, secret_key: str = "bench-secret-key-" + "x" * 32):
    """Harbour pointed at the benchmark database, with the real content."""
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secret_key,
                       "CONTENT_ROOT": str(PROJECT_ROOT), "HARBOUR_DEMO": False, "TESTING": False})


def fresh_database(database_url: str) -> None:
    """Empty the database (drop and create it) so the run starts from nothing."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        from pathlib import Path

        path = Path(url.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    name = url.database
    if not name.startswith("bench"):
        raise SystemExit(f"Refusing to drop {name!r}: benchmark databases are named bench_*.")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def migrate_and_sync(app) -> None:
    with app.app_context():
        upgrade()
        sync_modules(db.session, library())


class Ids:
    """Next free id per table, read once from the database."""

    def __init__(self, session):
        self.next = {model.__tablename__: (session.scalar(select(func.max(model.id))) or 0) + 1 for model in ID_TABLES}

    def take(self, model, count: int = 1) -> int:
        first = self.next[model.__tablename__]
        self.next[model.__tablename__] += count
        return first


def add_school(session, ids: Ids, name: str, pupils: int, classes: int, rng: random.Random,
               password_hash: str, done_share: float = 0.5) -> SchoolFacts:
    """One school: staff, `pupils` pupils in `classes` classes, every module set for every class, and
    progress (with quiz attempts) for about `done_share` of pupils."""
    content = library()
    modules = {slug: module_ids()[slug] for slug in content.modules if slug in module_ids()}
    school = School(name=name, region="uk", safeguarding_contact="Mrs Ortiz, Student Support (room 4)")
    session.add(school)
    session.flush()
    seed_help_services(session, school, content)
    facts = SchoolFacts(school_id=school.id, pupils=pupils)
    now = utcnow()

    teacher_count = max(1, classes // 2)
    users, first_user = [], ids.take(User, pupils + teacher_count + 2)
    facts.dsl_id, admin_id = first_user, first_user + 1
    users.append(dict(id=facts.dsl_id, school_id=school.id, username="dsl", password_hash=password_hash,
                      role=Role.SAFEGUARDING_LEAD, display_name="Ms Dsl Lead", session_token=f"bench-{facts.dsl_id}"))
    users.append(dict(id=admin_id, school_id=school.id, username="admin", password_hash=password_hash,
                      role=Role.ADMIN, display_name="Mr Admin", session_token=f"bench-{admin_id}"))
    teacher_ids = list(range(first_user + 2, first_user + 2 + teacher_count))
    for n, teacher_id in enumerate(teacher_ids):
        users.append(dict(id=teacher_id, school_id=school.id, username=f"teacher{n + 1}", password_hash=password_hash,
                          role=Role.TEACHER, display_name=f"Teacher {n + 1:03d}", session_token=f"bench-{teacher_id}"))
    facts.teacher_id = teacher_ids[0]

    first_class = ids.take(SchoolClass, classes)
    class_rows, teacher_links = [], []
    for n in range(classes):
        year = YEAR_GROUPS[n * len(YEAR_GROUPS) // classes]
        class_rows.append(dict(id=first_class + n, school_id=school.id, name=f"{year}{chr(65 + n % 10)} PSHE",
                               year_group=year))
        teacher_links.append(dict(class_id=first_class + n, teacher_id=teacher_ids[n % teacher_count]))
    facts.teacher_class_id = first_class

    pupil_links, pupil_class = [], {}
    first_pupil = first_user + 2 + teacher_count
    for n in range(pupils):
        pupil_id = first_pupil + n
        class_n = n * classes // pupils
        pupil_class[pupil_id] = class_n
        users.append(dict(id=pupil_id, school_id=school.id, username=f"pupil{n + 1}", password_hash=password_hash,
                          role=Role.PUPIL, display_name=f"Pupil {n + 1:05d} {rng.choice('ABCDEFGHJKLMNOPRSTW')}",
                          year_group=class_rows[class_n]["year_group"], session_token=f"bench-{pupil_id}"))
        pupil_links.append(dict(class_id=first_class + class_n, pupil_id=pupil_id))
        facts.pupil_ids.append(pupil_id)

    today = date.today()
    first_assignment = ids.take(Assignment, classes * len(modules))
    assignment_rows = []
    for n in range(classes):
        for position, module_id in enumerate(modules.values()):
            assignment_rows.append(dict(
                id=first_assignment + n * len(modules) + position, school_id=school.id, class_id=first_class + n,
                module_id=module_id, due_date=today + timedelta(days=14 * position - 21),
                set_by_id=teacher_ids[n % teacher_count]))

    progress_rows, attempt_rows, answer_rows, check_rows, check_answer_rows = [], [], [], [], []
    for pupil_id in facts.pupil_ids:
        if rng.random() > done_share:
            continue
        for slug, module_id in modules.items():
            if rng.random() < 0.4:
                continue
            module = content.modules[slug]
            finished_pages = rng.random() < 0.6
            pages = list(range(module.page_count)) if finished_pages else list(range(rng.randrange(1, module.page_count + 1)))
            row = dict(id=ids.take(Progress), school_id=school.id, pupil_id=pupil_id, module_id=module_id,
                       status=Status.IN_PROGRESS, pages_seen=pages, quiz_passed=False, started_at=now, updated_at=now)
            if finished_pages:
                _attempts(ids, rng, row, module, content.content_hash(slug), attempt_rows, answer_rows, now)
                _knowledge_checks(ids, rng, row, module, check_rows, check_answer_rows, now)
                if row["quiz_passed"]:
                    row["status"], row["completed_at"] = Status.COMPLETED, now
            progress_rows.append(row)

    for model, rows in ((User, users), (SchoolClass, class_rows), (class_teacher, teacher_links),
                        (class_pupil, pupil_links), (Assignment, assignment_rows)):
        _insert(session, model, rows)
    for model, rows in ((Progress, progress_rows), (QuizAttempt, attempt_rows), (AttemptAnswer, answer_rows),
                        (KnowledgeCheckAttempt, check_rows), (KnowledgeCheckAnswer, check_answer_rows)):
        (_copy if db.engine.dialect.name == "postgresql" else _insert)(session, model, rows)
    session.flush()
    return facts


def _insert(session, model, rows: list[dict]) -> None:
    """executemany, 5,000 rows at a time (column defaults filled in by SQLAlchemy)."""
    for start in range(0, len(rows), 5000):
        session.execute(insert(model), rows[start:start + 5000])


def _copy(session, model, rows: list[dict]) -> None:
    """PostgreSQL COPY for the big tables, whose rows here name every column that has no default;
    a column some rows leave out is NULL in those rows."""
    if not rows:
        return
    columns = list(dict.fromkeys(key for row in rows for key in row))
    table = model.__table__
    is_json = {name: isinstance(table.c[name].type, JSON) for name in columns}
    session.flush()
    driver = session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if is_json[c] and c in row
                            else (str(row[c]) if isinstance(row.get(c), enum.Enum) else row.get(c)) for c in columns])


def _attempts(ids, rng, progress, module, content_hash, attempt_rows, answer_rows, now) -> None:
    for attempt_number in range(rng.choice([1, 1, 2])):
        answers = {}
        for question in module.quiz.questions:
            if rng.random() < 0.7 + 0.2 * attempt_number:
                answers[question.id] = sorted(question.correct_ids)
            else:
                wrong = [o.id for o in question.options if not o.correct] or [question.options[0].id]
                answers[question.id] = [rng.choice(wrong)]
        result = mark_quiz(module.quiz, answers)
        attempt_id = ids.take(QuizAttempt)
        attempt_rows.append(dict(
            id=attempt_id, school_id=progress["school_id"], pupil_id=progress["pupil_id"],
            module_id=progress["module_id"], form_token=f"bench-{attempt_id}", content_hash=content_hash,
            score=result.score, correct_count=result.correct_count, question_count=result.question_count,
            passed=result.passed, started_at=now - timedelta(minutes=8), submitted_at=now))
        first_answer = ids.take(AttemptAnswer, len(result.answers))
        for i, answer in enumerate(result.answers):
            answer_rows.append(dict(id=first_answer + i, attempt_id=attempt_id, position=i,
                                    question_id=answer.question_id, option_ids=list(answer.chosen),
                                    correct=answer.correct))
        progress["latest_score"] = result.score
        progress["best_score"] = max(progress.get("best_score") or 0, result.score)
        progress["quiz_passed"] = progress["quiz_passed"] or result.passed


def _knowledge_checks(ids, rng, progress, module, check_rows, answer_rows, now) -> None:
    """The module's check before the lesson (skipped by about a quarter) and after the quiz: about half
    right before, most right after, the rest a misconception or another wrong choice."""
    checks = module.quiz.checks
    if not checks:
        return
    for phase, right_share in ((CheckPhase.BEFORE, 0.5), (CheckPhase.AFTER, 0.85)):
        skipped = phase == CheckPhase.BEFORE and rng.random() < 0.25
        attempt_id = ids.take(KnowledgeCheckAttempt)
        check_rows.append(dict(id=attempt_id, school_id=progress["school_id"], pupil_id=progress["pupil_id"],
                               module_id=progress["module_id"], phase=phase, skipped=skipped, answered_at=now))
        if skipped:
            continue
        first = ids.take(KnowledgeCheckAnswer, len(checks))
        for i, check in enumerate(checks):
            wrong = [o.id for o in check.options if not o.correct]
            option = check.correct_id if rng.random() < right_share or not wrong else rng.choice(wrong)
            answer_rows.append(dict(id=first + i, attempt_id=attempt_id, check_id=check.id, option_id=option))


def fix_sequences(session) -> None:
    """PostgreSQL: move each id sequence past the ids written here, so the app's own inserts work."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in ID_TABLES:
        table = model.__tablename__
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (fixed names)
                             f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def generate(database_url: str, schools: list[tuple[str, int, int]], seed: int = 2026) -> list[SchoolFacts]:
    """A fresh, migrated database holding `schools` as (name, pupils, classes); facts for each."""
    fresh_database(database_url)
    sync_log = logging.getLogger("course.web.content")
    sync_log.disabled = True  # "no tables yet" is expected: the migrations run next
    app = bench_app(database_url)
    sync_log.disabled = False
    migrate_and_sync(app)
    rng = random.Random(seed)
    password_hash = hash_password("bench-pupil-password")
    facts = []
    with app.app_context():
        ids = Ids(db.session)
        for name, pupils, classes in schools:
            facts.append(add_school(db.session, ids, name, pupils, classes, rng, password_hash))
        fix_sequences(db.session)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
        db.session.remove()
        db.engine.dispose()
    return facts


def trust_schools(total_pupils: int = 30_000, schools: int = 20, main_pupils: int = 2_000) -> list[tuple[str, int, int]]:
    """A trust: the main school (2,000 pupils, 70 classes) and the rest sharing the remaining pupils."""
    others = schools - 1
    each = (total_pupils - main_pupils) // others
    rows = [("Harbour Bench Academy", main_pupils, 70)]
    rows += [(f"Trust School {n + 2:02d}", each, max(7, each // 29)) for n in range(others)]
    name, pupils, classes = rows[-1]
    rows[-1] = (name, pupils + total_pupils - sum(r[1] for r in rows), classes)  # the remainder, so the total is exact
    return rows


if __name__ == "__main__":
    import sys

    started = time.perf_counter()
    result = generate(sys.argv[1], [("Harbour Bench Academy", int(sys.argv[2]) if len(sys.argv) > 2 else 2000, 70)])
    print(f"{sum(f.pupils for f in result)} pupils in {time.perf_counter() - started:.1f} s")
