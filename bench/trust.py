"""The trust overview's server time: 20 schools, 30,000 pupils (the benchmark's trust), on PostgreSQL.

    python -m bench.trust [--quick]     (5 schools, 6,000 pupils)

In-process with Flask's test client, as bench/queries.py measures every page: SQL statements for one request
and the median server time of nine. The target is under 500 ms. `bench/run.py` runs this too on PostgreSQL.
"""

import sys

from bench.generate import bench_app, generate, trust_schools
from bench.queries import measure_pages, quiet_request_log
from bench.sessions import BenchRequest, session_cookie
from course.domain.trust import create_trust_admin
from course.extensions import db


def measure_trust_overview(app, home_school_id: int) -> dict:
    """A trust admin at the first school, logged in by a pre-made cookie; the overview measured."""
    with app.app_context():
        admin = create_trust_admin(db.session, home_school_id, "bench-trust", "Bench Trust Admin",
                                   "bench-trust-admin-password")
        admin.session_token = "bench-trust"  # noqa: S105 (a session token the cookie below carries)
        db.session.commit()
        admin_id = admin.id
    cookie, _csrf = session_cookie(app, admin_id, "bench-trust")
    return measure_pages(app, {"trust overview": [BenchRequest("GET", "/trust/", cookie)]})["trust overview"]


def main(argv: list[str]) -> int:
    import os

    quick = "--quick" in argv
    server = os.environ.get("HARBOUR_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
    url = f"{server}/bench_trust"
    schools = trust_schools(total_pupils=6_000 if quick else 30_000, schools=5 if quick else 20)
    quiet_request_log()
    facts = generate(url, schools)
    app = bench_app(url)
    result = measure_trust_overview(app, facts[0].school_id)
    print(f"trust overview, {len(schools)} schools, {sum(f.pupils for f in facts):,} pupils: "
          f"{result['server_ms']} ms server time (median of 9), {result['queries']} SQL statements, "
          f"status {result['status']}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return 0 if result["status"] == 200 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
