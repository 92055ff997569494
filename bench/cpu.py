"""CPU time per request in-process: `python -m bench.cpu [pupils]` (default 2,000).

Generates a school in a temporary SQLite file, then for each benchmark page (and a bare Flask hello-world)
sends the same requests 5 times over and prints the median CPU time per request (time.process_time): the
figure that holds on a busy machine where wall-clock time does not.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask

from bench.generate import bench_app, generate
from bench.queries import quiet_request_log, send
from bench.sessions import page_requests
from course.web.runtime import tune_garbage_collector

SLOW_PAGES = ("class grid (teacher)", "school overview (DSL)")


def cpu_ms_per_request(client, requests, count: int, sender=send) -> float:
    for request in requests[:5]:  # warm-up: templates, caches
        sender(client, request)
    runs = []
    for _ in range(5):
        started = time.process_time()
        for n in range(count):
            sender(client, requests[n % len(requests)])
        runs.append((time.process_time() - started) / count * 1000)
    return statistics.median(runs)


def hello_world() -> Flask:
    app = Flask("hello")
    app.add_url_rule("/", "index", lambda: "Hello, world!")
    return app


def main() -> None:
    pupils = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    quiet_request_log()
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='harbour-cpu-')) / 'cpu.sqlite'}"
    facts = generate(url, [("CPU School", pupils, 70 if pupils >= 700 else 7)])
    app = bench_app(url)
    pages = page_requests(app, facts[0], 60)
    tune_garbage_collector()  # as each gunicorn worker does
    hello = cpu_ms_per_request(hello_world().test_client(), [None], 2000, lambda client, _r: client.get("/"))
    print(f"hello world: {hello:.2f} ms")
    for name, requests in pages.items():
        if name == "quiz submit":  # each form token is used once: one pass over fresh forms
            client, used = app.test_client(), requests[:200]
            started = time.process_time()
            for request in used:
                send(client, request)
            value = (time.process_time() - started) / len(used) * 1000
        else:
            value = cpu_ms_per_request(app.test_client(), requests, 20 if name in SLOW_PAGES else 200)
        print(f"{name}: {value:.2f} ms ({hello / value:.0%} of hello-world)")


if __name__ == "__main__":
    main()
