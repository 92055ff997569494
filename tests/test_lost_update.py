"""Two pages of one module saved at the same moment: both end up in pages_seen (no lost update).

The saves are interleaved on purpose: each waits, after reading the progress row, for the other to
have read it too (at most a second). Without a lock both would read the same list and the second
commit would drop the first page; with the row locked (FOR UPDATE on PostgreSQL, the write lock on
SQLite) the second save cannot read until the first has committed, and reads the fresh list.
"""

import threading

from sqlalchemy import select

from course.domain import progress as progress_rules
from course.extensions import db
from course.models import Assignment, Progress, Role, SchoolClass, User
from course.web.content import module_ids
from tests.conftest import csrf_from
from tests.factories import make_user


def test_two_pages_saved_at_once_are_both_kept(demo, monkeypatch):
    with demo.app_context():
        school_class = db.session.scalars(select(SchoolClass).order_by(SchoolClass.id)).first()
        module_id = db.session.scalars(select(Assignment.module_id).where(Assignment.class_id == school_class.id)
                                       .order_by(Assignment.id)).first()
        slug = next(s for s, i in module_ids().items() if i == module_id)
        class_id, year = school_class.id, school_class.year_group
    pupil_id = make_user(demo, "two.tabs", role=Role.PUPIL, password="two-tabs-password", year_group=year)
    with demo.app_context():
        school_class = db.session.get(SchoolClass, class_id)
        school_class.pupils.append(db.session.get(User, pupil_id))
        # The row exists already (the pupil opened the module before): two inserts would be put in
        # order by the unique constraint instead, and the update below is what must not be lost.
        db.session.add(Progress(school_id=school_class.school_id, pupil_id=pupil_id, module_id=module_id,
                                status="not_started", pages_seen=[]))
        db.session.commit()

    clients = [demo.test_client(), demo.test_client()]
    tokens = []
    for client in clients:
        client.post("/login", data={"username": "two.tabs", "password": "two-tabs-password",
                                    "csrf_token": csrf_from(client, "/login")})
        tokens.append(csrf_from(client, f"/lessons/{slug}/page/1"))

    has_read = {0: threading.Event(), 1: threading.Event()}
    original = progress_rules.record_page_seen

    def interleaved(progress, page, page_count, now):
        has_read[page].set()
        has_read[1 - page].wait(timeout=1.0)  # let the other save read the same row, if nothing stops it
        return original(progress, page, page_count, now)

    monkeypatch.setattr(progress_rules, "record_page_seen", interleaved)
    statuses = {}

    def save(number: int):
        response = clients[number - 1].post(f"/lessons/{slug}/page/{number}", data={"csrf_token": tokens[number - 1]})
        statuses[number] = response.status_code

    threads = [threading.Thread(target=save, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == {1: 302, 2: 302}
    with demo.app_context():
        progress = db.session.scalars(select(Progress).where(Progress.pupil_id == pupil_id,
                                                             Progress.module_id == module_id)).one()
        assert sorted(progress.pages_seen) == [0, 1]
