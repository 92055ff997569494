"""Profile one page in-process with pyinstrument: `python -m bench.profile "school overview (DSL)" [pupils [flat]]`.

Generates a school in a temporary SQLite file (or DATABASE_URL's bench_* database), then prints
where the time of 200 requests to the page goes.
"""

import sys
import tempfile
from pathlib import Path

from pyinstrument import Profiler

from bench.generate import bench_app, generate
from bench.queries import quiet_request_log, send
from bench.sessions import page_requests
from course.web.runtime import tune_garbage_collector


def main() -> None:
    page = sys.argv[1] if len(sys.argv) > 1 else "lesson page"
    pupils = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    quiet_request_log()
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='harbour-profile-')) / 'profile.sqlite'}"
    facts = generate(url, [("Profile School", pupils, 70 if pupils >= 700 else 7)])
    app = bench_app(url)
    requests = page_requests(app, facts[0], 21)[page]
    client = app.test_client()
    send(client, requests[0])
    tune_garbage_collector()  # as each gunicorn worker does
    profiler = Profiler(interval=0.0005)
    with profiler:
        for n in range(200):
            send(client, requests[(n + 1) % len(requests)])
    print(profiler.output_text(unicode=True, color=False, show_all=False, flat=len(sys.argv) > 3))


if __name__ == "__main__":
    main()
