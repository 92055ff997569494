"""One JSON line per request: method, path, status, duration and user id. No names, no query strings.

Query strings and form data can hold a pupil's words, so they never reach the log; the user id is
enough to follow one person's requests when investigating a fault, and means nothing outside Harbour.
"""

import json
import logging
import sys
import time

from flask import Flask, g, request
from sqlalchemy import inspect as sa_inspect

log = logging.getLogger("harbour.request")


def _start():
    g.harbour_request_started = time.perf_counter()


def _user_id_without_loading() -> int | None:
    # The user Flask-Login loaded for this request (if any), read from its identity key: after a commit
    # the object is expired, and `current_user.id` would query the database again just for the log line.
    user = g.get("_login_user")
    try:
        state = sa_inspect(user, raiseerr=False) if user is not None else None
    except Exception:  # e.g. login_user(current_user) leaves a proxy to itself; the line still goes out
        return None
    return state.identity[0] if state is not None and state.identity else None


def _record(response):
    started = g.pop("harbour_request_started", None)
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    user_id = _user_id_without_loading()
    log.info(json.dumps({
        "event": "request", "method": request.method, "path": request.path, "status": response.status_code,
        "duration_ms": duration_ms, "user_id": user_id,
    }, separators=(",", ":")))
    return response


def send_to_stdout() -> None:
    """Outside tests: the request lines go to stdout as bare JSON, one per line, for the log collector."""
    if log.handlers:
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def register(app: Flask) -> None:
    # First in, last out: the duration covers every other before_request and after_request.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_record)
