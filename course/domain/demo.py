"""Demo data: a school with two classes of pupils part-way through the course, so every page has data."""

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..content import ContentLibrary
from ..models import (
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
from .directory import seed_help_services
from .passwords import hash_password, verify_password
from .progress import is_completed
from .scoring import mark_quiz

# (role, username, password, display name) — listed in the README and, in demo mode, on the login page.
DEMO_LOGINS = [
    (Role.PUPIL, "sam", "sunny-otter-42", "Sam Okafor"),
    (Role.TEACHER, "teacher", "harbour-teacher-demo", "Mr Daniel Evans"),
    (Role.SAFEGUARDING_LEAD, "dsl", "harbour-dsl-demo", "Ms Aisha Rahman"),
    (Role.ADMIN, "admin", "harbour-admin-demo", "Mrs Helen Clarke"),
]

FIRST_NAMES = ["Amelia", "Oliver", "Isla", "Noah", "Ava", "Leo", "Mia", "Arthur", "Freya", "Muhammad", "Zara",
               "Rhys", "Chloe", "Sean", "Aoife", "Olamide", "Wiktoria", "Jan", "Priya", "Kai", "Ella", "Tomasz",
               "Grace", "Yusuf", "Maya", "Jack", "Nia", "Ethan", "Sofia", "Harvey", "Amara", "Finn", "Lily",
               "Reuben", "Hana", "Oscar", "Eve", "Ibrahim", "Ruby", "Theo", "Ada", "Luca", "Martha", "Ravi",
               "Holly", "Kofi", "Erin", "Adam", "Layla", "Dylan"]
LAST_NAMES = ["O'Brien", "Smith", "Jones", "Khan", "Nowak", "Williams", "Davies", "Evans", "Patel", "Okafor",
              "Murphy", "Brown", "Ali", "Kowalski", "Taylor", "Roberts", "Hughes", "Lewis", "Singh", "Chen",
              "Wright", "Green", "Mensah", "Walker", "Thompson"]

CLASSES = [("8A PSHE", 8, ["people-online", "where-to-go-for-help", "spotting-grooming"]),
           ("10B PSHE", 10, ["where-to-go-for-help", "online-blackmail", "supporting-a-friend", "account-control"])]


def create_demo_school(session: Session, content: ContentLibrary, module_ids: dict[str, int]) -> School:
    rng = random.Random(2026)
    school = School(name="Harbour Demo School", region="uk",
                    safeguarding_contact="Ms Rahman, our safeguarding lead, in Student Support (room 12)")
    session.add(school)
    session.flush()
    seed_help_services(session, school, content)

    accounts = {}
    for role, username, password, name in DEMO_LOGINS:
        accounts[username] = User(school_id=school.id, username=username, password_hash=hash_password(password),
                                  role=role, display_name=name, year_group=8 if role == Role.PUPIL else None)
        session.add(accounts[username])
    # One hash for the other demo pupils: hashing is slow on purpose, and nobody logs in as them.
    shared_hash = hash_password("demo-pupil-" + str(rng.randrange(10**9)))
    teacher = accounts["teacher"]
    today = date.today()
    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)

    for index, (class_name, year, slugs) in enumerate(CLASSES):
        school_class = SchoolClass(school_id=school.id, name=class_name, year_group=year)
        school_class.teachers.append(teacher)
        session.add(school_class)
        pupils = [accounts["sam"]] if index == 0 else []
        for first, last in names[index * 24:(index + 1) * 24 + (1 if index else 0)]:
            username = f"{first}.{last[0]}{len(pupils)}".lower().replace("'", "")
            pupil = User(school_id=school.id, username=username, password_hash=shared_hash, role=Role.PUPIL,
                         display_name=f"{first} {last}", year_group=year)
            session.add(pupil)
            pupils.append(pupil)
        school_class.pupils.extend(pupils)
        session.flush()
        for position, slug in enumerate(s for s in slugs if s in module_ids):
            due = today + timedelta(days=(-7 if position == 0 else 14 * position))
            session.add(Assignment(school_id=school.id, class_id=school_class.id, module_id=module_ids[slug],
                                   due_date=due, set_by_id=teacher.id))
            for pupil in pupils:
                if pupil is accounts["sam"]:
                    continue  # Sam starts fresh, so the demo shows the whole journey.
                _demo_progress(session, rng, pupil, content.modules[slug], module_ids[slug], content.content_hash(slug))
    session.commit()
    return school


def _demo_knowledge_check(session, pupil, module, module_id) -> None:
    """The module's check before the lesson (a few skip it) and after the quiz, for a pupil who took the quiz.
    Its own random numbers, so the rest of the demo school is the same with or without it."""
    checks = module.quiz.checks if module.quiz else ()
    if not checks:
        return
    rng = random.Random(f"check:{pupil.id}:{module_id}")
    for phase, right_share in ((CheckPhase.BEFORE, 0.45), (CheckPhase.AFTER, 0.85)):
        skipped = phase == CheckPhase.BEFORE and rng.random() < 0.2
        answers = []
        for check in [] if skipped else checks:
            wrong = [o.id for o in check.options if not o.correct]
            option = check.correct_id if rng.random() < right_share or not wrong else rng.choice(wrong)
            answers.append(KnowledgeCheckAnswer(check_id=check.id, option_id=option))
        session.add(KnowledgeCheckAttempt(school_id=pupil.school_id, pupil_id=pupil.id, module_id=module_id,
                                          phase=phase, skipped=skipped, answers=answers))


def _demo_progress(session, rng, pupil, module, module_id, content_hash) -> None:
    roll = rng.random()
    if roll < 0.25:
        return
    pages = list(range(module.page_count)) if roll > 0.45 else list(range(rng.randrange(1, module.page_count)))
    progress = Progress(school_id=pupil.school_id, pupil_id=pupil.id, module_id=module_id,
                        status=Status.IN_PROGRESS, pages_seen=pages)
    session.add(progress)
    if len(pages) < module.page_count:
        return
    for attempt_number in range(rng.choice([1, 1, 2])):
        answers = {}
        for question in module.quiz.questions:
            right = rng.random() < (0.65 + 0.2 * attempt_number)
            if right:
                answers[question.id] = sorted(question.correct_ids)
            else:
                wrong = [o.id for o in question.options if not o.correct] or [question.options[0].id]
                answers[question.id] = [rng.choice(wrong)]
        result = mark_quiz(module.quiz, answers)
        started = utcnow() - timedelta(days=rng.randrange(1, 20), minutes=rng.randrange(5, 15))
        session.add(QuizAttempt(
            school_id=pupil.school_id, pupil_id=pupil.id, module_id=module_id, form_token=f"demo-{module_id}-{attempt_number}",
            content_hash=content_hash, score=result.score, correct_count=result.correct_count,
            question_count=result.question_count, passed=result.passed, started_at=started,
            submitted_at=started + timedelta(minutes=rng.randrange(3, 9)),
            answers=[AttemptAnswer(position=i, question_id=a.question_id, option_ids=list(a.chosen), correct=a.correct)
                     for i, a in enumerate(result.answers)]))
        progress.latest_score = result.score
        progress.best_score = max(progress.best_score or 0, result.score)
        progress.quiz_passed = progress.quiz_passed or result.passed
    _demo_knowledge_check(session, pupil, module, module_id)
    if is_completed(progress.pages_seen, module.page_count, progress.quiz_passed):
        progress.status = Status.COMPLETED
        progress.completed_at = utcnow() - timedelta(days=rng.randrange(0, 20))


def accounts_with_published_passwords(session: Session) -> list[str]:
    """Usernames of demo accounts (in any school) that still open with the password the README publishes.
    One argon2 check per such account, so this runs at start-up in production and in `flask doctor` only."""
    found = []
    for _role, username, password, _name in DEMO_LOGINS:
        for password_hash in session.scalars(select(User.password_hash).where(User.username == username)):
            if verify_password(password_hash, password):
                found.append(username)
                break
    return found

