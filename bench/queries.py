"""In-process measurements with Flask's test client: SQL queries per page, and server time per page."""

import logging
import statistics
import time

from sqlalchemy import event

from bench.sessions import USER_AGENT, BenchRequest
from course.extensions import db


def quiet_request_log() -> None:
    """In-process requests write no JSON log line each (Harbour adds its stdout handler only if none is set)."""
    log = logging.getLogger("harbour.request")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    log.propagate = False


class QueryCounter:
    """Counts every SQL statement the app's engine sends while it is attached."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _seen(self, *_args):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)


def send(client, request: BenchRequest):
    client.set_cookie("session", request.cookie, domain="localhost")
    headers = {"User-Agent": USER_AGENT}
    if request.method == "POST":
        return client.post(request.path, data=request.body, headers=headers,
                           content_type="application/x-www-form-urlencoded")
    return client.get(request.path, headers=headers)


def measure_pages(app, pages: dict[str, list[BenchRequest]], timings: int = 9) -> dict[str, dict]:
    """Per page: status, SQL queries for one request (after one warm-up), median server time in ms."""
    results = {}
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    for name, requests in pages.items():
        send(client, requests[0])  # warm-up: first-use caches, templates
        probe = requests[1] if len(requests) > 1 else requests[0]
        with QueryCounter(engine) as counter:
            response = send(client, probe)
        times = []
        for request in (requests[2:2 + timings] if len(requests) > 2 + timings else [requests[0]] * timings):
            started = time.perf_counter()
            send(client, request)
            times.append((time.perf_counter() - started) * 1000)
        results[name] = {"status": response.status_code, "location": response.headers.get("Location", ""),
                         "queries": counter.count,
                         "server_ms": round(statistics.median(times), 1)}
    return results
