"""Gunicorn settings for Harbour: `gunicorn -c deploy/gunicorn.conf.py app:app`.

Every setting can be changed from the environment (HARBOUR_BIND, HARBOUR_WORKERS, ...) so the same
file serves one small machine and a row of app servers behind a load balancer.
"""

import multiprocessing
import os

# nginx (deploy/nginx-harbour.conf) sits in front and talks to this address.
bind = os.environ.get("HARBOUR_BIND", "127.0.0.1:8000")

# Workers from cores: the usual 2 x cores + 1, as each worker waits on the database much of the time.
workers = int(os.environ.get("HARBOUR_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("HARBOUR_THREADS", "1"))
timeout = int(os.environ.get("HARBOUR_WORKER_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5

# Replace each worker now and then, so a slow leak never builds up; the jitter keeps them from all
# restarting at once.
max_requests = 2000
max_requests_jitter = 200

# Logs to stdout/stderr, for journald or the container's log collector. The access log leaves out
# the client's address, the query string and the referrer: they can identify a pupil. Harbour itself
# also writes one JSON line per request with the user id (course/web/request_log.py).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("HARBOUR_LOG_LEVEL", "info")
access_log_format = '{"event":"access","method":"%(m)s","path":"%(U)s","status":%(s)s,"duration_ms":%(M)s}'

# Which proxies may set X-Forwarded-Proto for gunicorn itself; Harbour reads the other forwarded
# headers only when HARBOUR_PROXIES says how many proxies sit in front (see README, Deploying).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    # Once Harbour is loaded in the worker: see course/web/runtime.py (half the overview's time was the GC).
    # Only for Harbour: the benchmark's bare hello-world app runs under this file too, untouched.
    import sys

    if "course" in sys.modules:
        from course.web.runtime import tune_garbage_collector

        tune_garbage_collector()
