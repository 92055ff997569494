"""Issue 14's school views ask the database the same number of questions for a school of 200 pupils and
one of 2,000 (the sizes the benchmark uses): each is a fixed set of GROUP BY queries, never one per pupil."""

import logging

from bench.generate import bench_app, generate
from bench.queries import measure_pages
from bench.sessions import BenchRequest, first_module_slug, session_cookie
from course.extensions import db


def _queries(tmp_path, pupils: int, classes: int) -> dict[str, dict]:
    url = f"sqlite:///{tmp_path / f'scale-{pupils}.sqlite'}"
    facts = generate(url, [("Scale School", pupils, classes)])[0]
    app = bench_app(url)
    slug = first_module_slug(app)
    teacher, _ = session_cookie(app, facts.teacher_id, f"bench-{facts.teacher_id}")
    dsl, _ = session_cookie(app, facts.dsl_id, f"bench-{facts.dsl_id}")
    paths = {
        "what the class learned": (f"/teach/classes/{facts.teacher_class_id}/knowledge", teacher),
        "how the questions work": (f"/teach/library/{slug}/items", teacher),
        "class answers CSV": (f"/teach/classes/{facts.teacher_class_id}/insight/{slug}/answers.csv", teacher),
        "what pupils learned": ("/safeguarding/knowledge", dsl),
        "what Year 9 learned": ("/safeguarding/knowledge?year_group=9", dsl),
        "evidence pack": ("/safeguarding/summary", dsl),
        "school overview": ("/safeguarding/", dsl),
    }
    log = logging.getLogger("harbour.request")
    log.disabled = True
    try:
        measured = measure_pages(app, {name: [BenchRequest("GET", path, cookie)] for name, (path, cookie) in paths.items()},
                                 timings=1)
    finally:
        log.disabled = False
    with app.app_context():
        db.engine.dispose()
    return measured


def test_the_knowledge_views_query_counts_are_the_same_at_200_and_2000_pupils(tmp_path):
    small, large = _queries(tmp_path, 200, 8), _queries(tmp_path, 2000, 70)
    for name, page in large.items():
        assert page["status"] == 200 and small[name]["status"] == 200, name
        assert page["queries"] == small[name]["queries"], f"{name}: {small[name]['queries']} -> {page['queries']}"
