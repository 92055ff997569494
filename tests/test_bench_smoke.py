"""The benchmark's scripts still run: schools of 20 and 200 pupils are generated, and every page the
benchmark measures, and every other page a teacher, a lead or a pupil opens on a school day, is opened
in-process (a few seconds in all; `dev.py bench` counts the same pages' queries at 200 and 2,000).

Also a guard the benchmark found worth keeping: no page's SQL query count grows with the school.
"""

import logging

import pytest

from bench.generate import bench_app, generate
from bench.queries import measure_pages
from bench.run import format_table
from bench.sessions import BenchRequest, first_module_slug, page_requests, quiz_submit_probe, session_cookie
from course.extensions import db

SMALL, LARGE = 12, 120  # ten times the pupils: a query per pupil or per class would show


def _measure(tmp_path, pupils: int, classes: int) -> dict:
    url = f"sqlite:///{tmp_path / f'bench-{pupils}.sqlite'}"
    facts = generate(url, [("Smoke School", pupils, classes)])
    assert facts[0].pupils == pupils and len(facts[0].pupil_ids) == pupils
    app = bench_app(url)
    pages = {**page_requests(app, facts[0], 3), **_other_pages(app, facts[0])}
    pages["quiz submit"] = quiz_submit_probe(app, facts[0])
    measured = measure_pages(app, pages, timings=1)
    with app.app_context():
        db.engine.dispose()
    return measured


def _other_pages(app, facts) -> dict[str, list[BenchRequest]]:
    """The pages the load test leaves out, each asked once: their query counts must not grow either."""
    slug = first_module_slug(app)
    teacher, _ = session_cookie(app, facts.teacher_id, f"bench-{facts.teacher_id}")
    dsl, _ = session_cookie(app, facts.dsl_id, f"bench-{facts.dsl_id}")
    pupil, _ = session_cookie(app, facts.pupil_ids[0], f"bench-{facts.pupil_ids[0]}")
    klass = facts.teacher_class_id
    paths = {
        "my classes (teacher)": ("/teach/", teacher), "class insight (teacher)": (f"/teach/classes/{klass}/insight/{slug}", teacher),
        "class CSV (teacher)": (f"/teach/classes/{klass}/export.csv", teacher), "module library (teacher)": ("/teach/library", teacher),
        "pupils (DSL)": ("/safeguarding/pupils", dsl), "pupils with nothing completed (DSL)": ("/safeguarding/pupils?state=none", dsl),
        "requests to talk (DSL)": ("/safeguarding/requests", dsl), "evidence pack (DSL)": ("/safeguarding/summary", dsl),
        "coverage CSV (DSL)": ("/safeguarding/coverage.csv", dsl), "audit log (DSL)": ("/audit/", dsl),
        "erasures waiting (DSL)": ("/safeguarding/erasures", dsl),
        "help (pupil)": ("/help/", pupil), "my requests (pupil)": ("/help/requests", pupil),
        "what the class learned (teacher)": (f"/teach/classes/{klass}/knowledge", teacher),
        "class answers CSV (teacher)": (f"/teach/classes/{klass}/insight/{slug}/answers.csv", teacher),
        "item analysis (teacher)": (f"/teach/library/{slug}/items", teacher),
        "what pupils learned (DSL)": ("/safeguarding/knowledge", dsl),
        "what Year 8 learned (DSL)": ("/safeguarding/knowledge?year_group=8", dsl),
        "evidence pack PDF (DSL)": ("/safeguarding/summary.pdf", dsl),
    }
    return {name: [BenchRequest("GET", path, cookie)] for name, (path, cookie) in paths.items()}


@pytest.fixture
def quiet_request_log():
    log = logging.getLogger("harbour.request")
    log.disabled = True
    yield
    log.disabled = False


def test_bench_pages_answer_and_query_counts_do_not_grow_with_the_school(tmp_path, quiet_request_log):
    small, large = _measure(tmp_path, SMALL, 2), _measure(tmp_path, LARGE, 20)
    assert {"lesson page", "quiz page", "my lessons", "quiz submit", "class grid (teacher)",
            "school overview (DSL)"} <= set(small)
    for name, page in large.items():
        assert page["status"] == (302 if name == "quiz submit" else 200), name
        if name == "quiz submit":
            assert "/attempts/" in page["location"]  # stored, not sent back to the login page
        assert page["queries"] > 0
        assert page["queries"] == small[name]["queries"], f"{name}: {small[name]['queries']} -> {page['queries']}"


def test_bench_table_names_every_page_and_the_spike():
    page = {"rps": 100.0, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0, "errors": 0, "cpu_ms": 2.0}
    queries = {"lesson page": {"queries": 6, "server_ms": 3.0}, "school overview (DSL)": {"queries": 12, "server_ms": 90}}
    result = {"engine": "sqlite", "pupils": 2000, "schools": 1, "cpus": 2, "connections": 32, "seconds_per_page": 10,
              "pages": {"hello world (bare Flask)": {**page, "rps": 400.0, "cpu_ms": 0.5}, "lesson page": page},
              "queries": {200: queries, 2000: queries}, "overview_in_database_ms": 95,
              "spike": {"sent": 300, "spread_s": 5, "acknowledged": 300, "errors": 0, "rows": 300, "p50_ms": 20,
                        "p99_ms": 80, "elapsed_s": 5.1},
              "worker_rss_mb": [80.0], "hello_worker_rss_mb": [30.0]}
    table = format_table(result)
    assert "| lesson page | 100 | 1.0 | 2.0 | 3.0 | 0 | 25% | 2.00 | 25% | 6 | 6 |" in table
    assert "300 acknowledged, 0 errors, 300 new attempt rows (lost: 0)" in table
