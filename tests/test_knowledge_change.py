"""Before-and-after figures on a fixture with known answers: the arithmetic per item, outcome and statement,
matched pupils only, the small-group rule, the module to revisit; the class, year-group and school views
show the numbers and never a pupil's name."""

from sqlalchemy import select

from course.content.quizzes import OUTCOMES
from course.domain import knowledge_check
from course.domain.knowledge_change import knowledge_change
from course.domain.scope import pupil_ids_for
from course.extensions import db
from course.models import Role, User
from course.web.content import library, module_ids

from .factories import make_class, make_user, user_id

SLUG = "people-online"
YEAR = 12  # no demo pupil is in Year 12: the year-group figures are the fixture's alone


def _answer(app, pupils: list[int], before: list[dict | None], after: list[dict]) -> None:
    with app.app_context():
        module_id = module_ids()[SLUG]
        for pupil_id, b, a in zip(pupils, before, after, strict=True):
            pupil = db.session.get(User, pupil_id)
            if b is not None:
                knowledge_check.record_before(db.session, pupil, module_id, b)
            knowledge_check.stage_after(db.session, pupil, module_id, a)
            db.session.commit()


def _fixture(app):
    """Seven Year 12 pupils in a class of the demo teacher. Item A (warning signs): 2 of 6 right before,
    4 of 6 after, 2 still holding a misconception. Item B (where to get help): 6 of 6 right both times.
    The seventh pupil skipped the check before: counted in 'answered after', never in the comparison."""
    with app.app_context():
        quiz = library().get(SLUG).quiz
    a, b = quiz.check("c-profile"), quiz.check("c-who-to-tell")
    a_wrong = sorted(a.misconception_ids)[0]
    names = [f"Fixture Pupil{n}" for n in range(1, 8)]
    pupils = [make_user(app, f"fixture{n}", Role.PUPIL, display_name=name, year_group=YEAR)
              for n, name in enumerate(names, 1)]
    class_id = make_class(app, "12Z PSHE", user_id(app, "teacher"), pupils, year_group=YEAR)
    before = [{a.id: a.correct_id, b.id: b.correct_id}] * 2 + [{a.id: a_wrong, b.id: b.correct_id}] * 4 + [None]
    after = ([{a.id: a.correct_id, b.id: b.correct_id}] * 4 + [{a.id: a_wrong, b.id: b.correct_id}] * 2
             + [{a.id: a.correct_id}])
    _answer(app, pupils, before, after)
    return class_id, names, a, b


def test_the_figures_compare_the_same_pupils_before_and_after(demo):
    class_id, _names, a, b = _fixture(demo)
    with demo.app_context():
        teacher = db.session.scalars(select(User).where(User.username == "teacher")).one()
        change = knowledge_change(db.session, teacher.school_id, pupil_ids_for(teacher, class_id=class_id),
                                  library(), module_ids())
    assert (change.pupils_before, change.pupils_after, change.pupils_matched) == (6, 7, 6)
    items = {item.check.id: item.tally for item in change.items}
    assert set(items) == {a.id, b.id}
    assert (items[a.id].matched, items[a.id].right_before, items[a.id].right_after,
            items[a.id].misconception_before, items[a.id].misconception_after) == (6, 2, 4, 4, 2)
    assert (items[a.id].percent_right_before, items[a.id].percent_right_after,
            items[a.id].percent_misconception_after) == (33, 67, 33)
    assert (items[b.id].percent_right_before, items[b.id].percent_right_after,
            items[b.id].percent_misconception_after) == (100, 100, 0)
    # Per outcome: each item in its own (a: warning signs, b: where to get help); the other two are empty.
    assert a.outcome == "warning_signs" and b.outcome == "where_to_get_help"
    assert list(change.by_outcome) == list(OUTCOMES)
    assert change.by_outcome["warning_signs"].matched == 6 and change.by_outcome["where_to_get_help"].matched == 6
    assert change.by_outcome["never_their_fault"].matched == 0 and not change.by_outcome["never_their_fault"].shown
    assert change.total.matched == 12 and change.total.percent_right_after == 83  # 10 of 12
    # Per statement, and the module to revisit where a third still hold the misconception (limit 20%).
    assert change.by_statement[a.statement].percent_right_before == 33
    assert [m.slug for m in change.revisit["warning_signs"]] == [SLUG]
    assert change.revisit["where_to_get_help"] == []


def test_fewer_than_five_answers_show_no_figure(demo):
    a = library_check(demo, "c-profile")
    pupils = [make_user(demo, f"few{n}", Role.PUPIL, display_name=f"Few Pupil{n}", year_group=YEAR) for n in range(4)]
    class_id = make_class(demo, "12Y PSHE", user_id(demo, "teacher"), pupils, year_group=YEAR)
    _answer(demo, pupils, [{a.id: a.correct_id}] * 4, [{a.id: a.correct_id}] * 4)
    with demo.app_context():
        teacher = db.session.scalars(select(User).where(User.username == "teacher")).one()
        change = knowledge_change(db.session, teacher.school_id, pupil_ids_for(teacher, class_id=class_id),
                                  library(), module_ids())
    assert change.by_outcome["warning_signs"].matched == 4 and not change.by_outcome["warning_signs"].shown


def library_check(app, check_id):
    with app.app_context():
        return library().get(SLUG).quiz.check(check_id)


def test_the_class_view_shows_counts_and_no_names(demo, client, auth):
    class_id, names, _a, _b = _fixture(demo)
    auth.login_as("teacher")
    html = client.get(f"/teach/classes/{class_id}/knowledge").get_data(as_text=True)
    assert "What 12Z PSHE learned" in html
    assert "6 pupils answered" in html and "7 answered its questions again" in html and "6 did both" in html
    row = html[html.index(OUTCOMES["warning_signs"]):]
    assert [cell for cell in _cells(row)[:4]] == ["6", "33%", "67%", "33%"]
    assert "People online" in row.split("</tr>")[0]  # the module to revisit for this outcome
    assert "<svg" in html and "Right before the lesson in 12Z PSHE" in html
    assert not any(name in html for name in names)


def test_the_leads_year_group_view_counts_the_same_and_names_no_one(demo, client, auth):
    _class_id, names, _a, _b = _fixture(demo)
    auth.login_as("dsl")
    html = client.get(f"/safeguarding/knowledge?year_group={YEAR}").get_data(as_text=True)
    row = html[html.index(OUTCOMES["warning_signs"]):]
    assert _cells(row)[:4] == ["6", "33%", "67%", "33%"]
    assert "Education for a Connected World statement" in html
    assert not any(name in html for name in names)
    whole = client.get("/safeguarding/knowledge").get_data(as_text=True)
    assert "across the school" in whole and not any(name in whole for name in names)
    assert client.get("/safeguarding/knowledge?year_group=99").status_code == 422


def _cells(html: str) -> list[str]:
    import re

    first_row = html.split("</tr>")[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", first_row, re.S)]
