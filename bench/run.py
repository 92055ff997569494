"""The benchmark: `python3 dev.py bench [--engine sqlite|postgres|both] [--quick]`.

For each engine: generate a school (and on PostgreSQL a trust), start Harbour and a bare Flask
hello-world under deploy/gunicorn.conf.py, drive each page with wrk (a separate process), run the
"9 o'clock spike", count SQL queries per page at 200 and 2,000 pupils in-process, read the workers'
memory, print one table and save it (and the raw numbers as JSON) under bench/results/.
"""

import argparse
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select

from bench.generate import bench_app, generate, trust_schools
from bench.queries import measure_pages, quiet_request_log
from bench.sessions import page_requests, quiz_submit_probe
from bench.spike import run_spike
from bench.trust import measure_trust_overview
from course.models import QuizAttempt
from course.web.runtime import tune_garbage_collector

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("HARBOUR_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
CONNECTIONS = 32
THREADS = 2


def database_url(engine: str, name: str, work: Path) -> str:
    return f"sqlite:///{work / (name + '.sqlite')}" if engine == "sqlite" else f"{PG_SERVER}/bench_{name}"


def start_gunicorn(target: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    env = {**env, "HARBOUR_BIND": f"127.0.0.1:{port}", "HARBOUR_LOG_LEVEL": "warning"}
    handle = log.open("w")
    return subprocess.Popen([str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", target], cwd=ROOT, env=env,
                            stdout=handle, stderr=subprocess.STDOUT)


def wait_until_up(url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up; see {log}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds} s; see {log}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (children of the master), in MB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        sizes.append(round(kb / 1024, 1))
    return sizes


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def workers_cpu_seconds(master_pid: int) -> float:
    """User + system CPU time used so far by the gunicorn master's workers, from the kernel's accounting:
    the live workers' own time, plus the time of workers that have exited (gunicorn recycles a worker
    after max_requests), which the kernel adds to the master's cutime and cstime when it reaps them."""
    def stat(pid) -> list[str]:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    master = stat(master_pid)
    total = int(master[13]) + int(master[14])  # cutime, cstime: fields 16 and 17 of stat
    for pid in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        fields = stat(pid)
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15
    return total / CLOCK_TICKS


def wait_until_idle(url: str, seconds: float = 30) -> None:
    """After wrk stops, requests it left queued are still being served: wait (up to 30 s) until /health answers within 100 ms."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=30):  # noqa: S310 (our own local server)
                pass
        except OSError:
            pass
        if time.monotonic() - started < 0.1:
            return
        time.sleep(0.5)


def write_requests(path: Path, requests) -> Path:
    path.write_text("".join(f"{r.method}\t{r.path}\t{r.cookie}\t{r.body}\n" for r in requests))
    return path


def wrk(url: str, requests_file: Path, seconds: int, server: subprocess.Popen | None = None,
        idle_path: str = "/health") -> dict:
    """Drive one page with wrk; with `server`, also the workers' CPU time per request served (the work, which
    holds on a busy machine where req/s does not). Queued requests are served before the CPU is read again."""
    cpu_before = workers_cpu_seconds(server.pid) if server else None
    env = {**os.environ, "BENCH_REQUESTS": str(requests_file), "BENCH_THREADS": str(THREADS)}
    out = subprocess.run(["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
                          "-s", str(ROOT / "bench" / "requests.lua"), url],
                         env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    data = json.loads(line[len("BENCH "):])
    seconds_run = data["duration_us"] / 1e6
    errors = (data["connect_errors"] + data["read_errors"] + data["write_errors"] + data["timeouts"]
              + data["non_2xx_3xx"])
    cpu_ms = None
    if server:
        wait_until_idle(url + idle_path)
        cpu_ms = round((workers_cpu_seconds(server.pid) - cpu_before) * 1000 / max(data["requests"], 1), 3)
    return {"rps": round(data["requests"] / seconds_run, 1), "requests": data["requests"], "cpu_ms": cpu_ms,
            "p50_ms": data["p50_us"] / 1000, "p95_ms": data["p95_us"] / 1000, "p99_ms": data["p99_us"] / 1000,
            "errors": errors, "statuses": data["statuses"]}


def load_test(engine: str, url: str, facts, work: Path, seconds: int, pupils_logged_in: int) -> dict:
    secret_file = work / "secret_key"
    secret_file.write_text(secrets.token_hex(32))
    secret_file.chmod(0o600)
    app = bench_app(url, secret_file.read_text())
    pages = page_requests(app, facts, pupils_logged_in)
    env = {**os.environ, "DATABASE_URL": url, "HARBOUR_PRODUCTION": "1", "HARBOUR_SECRET_KEY_FILE": str(secret_file),
           "HARBOUR_HOSTS": "1", "HARBOUR_SITE_URL": "https://harbour.bench.test"}  # production needs a site address
    for unsafe in ("HARBOUR_DEMO", "HARBOUR_DEV", "FLASK_DEBUG", "SECRET_KEY", "HARBOUR_INSECURE_COOKIES"):
        env.pop(unsafe, None)
    harbour_log, hello_log = work / "gunicorn-harbour.log", work / "gunicorn-hello.log"
    harbour = start_gunicorn("app:app", 8810, env, harbour_log)
    hello = start_gunicorn("bench.hello:app", 8811, env, hello_log)
    results: dict = {"pages": {}}
    try:
        wait_until_up("http://127.0.0.1:8810/health", harbour, harbour_log)
        wait_until_up("http://127.0.0.1:8811/", hello, hello_log)
        hello_file = work / "hello.tsv"
        hello_file.write_text("GET\t/\tnone\t\n")
        results["pages"]["hello world (bare Flask)"] = wrk("http://127.0.0.1:8811", hello_file, seconds, hello, idle_path="/")
        files = {name: write_requests(work / f"page-{n}.tsv", requests) for n, (name, requests) in enumerate(pages.items())}
        for name, file in files.items():  # warm-up, not recorded: each worker loads its templates and caches
            if name != "quiz submit":  # (its forms are kept fresh for the measured run)
                wrk("http://127.0.0.1:8810", file, 1)
        wait_until_idle("http://127.0.0.1:8810/health")
        engine_ = create_engine(url)
        for name, file in files.items():
            attempts_before = _attempt_rows(engine_)
            results["pages"][name] = wrk("http://127.0.0.1:8810", file, seconds, harbour)
            results["pages"][name]["new_attempt_rows"] = _attempt_rows(engine_) - attempts_before
            wait_until_idle("http://127.0.0.1:8810/health")
        spike_pupils = facts.pupil_ids[-300:]
        with engine_.connect() as connection:
            before = connection.scalar(select(func.coalesce(func.max(QuizAttempt.id), 0)))
        results["spike"] = run_spike(app, "http://127.0.0.1:8810", spike_pupils, spread_seconds=5.0)
        with engine_.connect() as connection:
            results["spike"]["rows"] = connection.scalar(select(func.count()).select_from(QuizAttempt)
                                                         .where(QuizAttempt.id > before))
        engine_.dispose()
        results["worker_rss_mb"] = worker_rss_mb(harbour.pid)
        results["hello_worker_rss_mb"] = worker_rss_mb(hello.pid)
    finally:
        stop(harbour)
        stop(hello)
    return results


def _attempt_rows(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(QuizAttempt))


def query_counts(engine: str, work: Path) -> dict:
    """SQL queries and server time per page, in-process, for a school of 200 and one of 2,000 pupils."""
    counts = {}
    for pupils, classes in ((200, 7), (2000, 70)):
        url = database_url(engine, f"q{pupils}", work)
        facts = generate(url, [("Query Count School", pupils, classes)])
        app = bench_app(url)
        tune_garbage_collector()
        pages = page_requests(app, facts[0], 12)
        pages["quiz submit"] = quiz_submit_probe(app, facts[0])  # the same state at either size
        counts[pupils] = measure_pages(app, pages)
        _dispose(app)
    return counts


def _dispose(app) -> None:
    from course.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def run_engine(engine: str, quick: bool) -> dict:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    work = RESULTS / f"{stamp}-{engine}"
    work.mkdir(parents=True, exist_ok=True)
    seconds = 3 if quick else 10
    print(f"== {engine}: generating the school{' and the trust' if engine == 'postgres' else ''} ...", flush=True)
    if engine == "postgres":
        schools = trust_schools(total_pupils=6_000 if quick else 30_000, schools=5 if quick else 20)
    else:
        schools = [("Harbour Bench Academy", 2000, 70)]
    started = time.perf_counter()
    url = database_url(engine, "school", work)
    facts = generate(url, schools)
    result = {"engine": engine, "quick": quick, "schools": len(schools), "pupils": sum(f.pupils for f in facts),
              "generate_s": round(time.perf_counter() - started, 1), "connections": CONNECTIONS,
              "seconds_per_page": seconds, "cpus": os.cpu_count()}
    print(f"   {result['pupils']} pupils in {result['schools']} school(s) in {result['generate_s']} s", flush=True)
    app = bench_app(url)
    tune_garbage_collector()  # as deploy/gunicorn.conf.py does in each worker
    overview = measure_pages(app, {k: v for k, v in page_requests(app, facts[0], 8).items() if "overview" in k})
    result["overview_in_database_ms"] = overview["school overview (DSL)"]["server_ms"]
    if engine == "postgres":
        # The trust overview: every school's coverage side by side (target: under 500 ms server time).
        trust = measure_trust_overview(app, facts[0].school_id)
        result["trust_overview_ms"], result["trust_overview_queries"] = trust["server_ms"], trust["queries"]
        print(f"   trust overview: {trust['server_ms']} ms, {trust['queries']} SQL statements", flush=True)
    _dispose(app)
    print("== load test under gunicorn with wrk ...", flush=True)
    result.update(load_test(engine, url, facts[0], work, seconds, 500 if quick else 2000))
    print("== SQL queries per page at 200 and 2,000 pupils ...", flush=True)
    result["queries"] = query_counts(engine, work)
    table = format_table(result)
    print(table, flush=True)
    (work / "results.json").write_text(json.dumps(result, indent=2))
    (work / "table.md").write_text(table)
    for tsv in work.glob("*.tsv"):
        tsv.unlink()  # they hold signed session cookies
    for database_file in work.glob("*.sqlite*"):
        database_file.unlink()
    (work / "secret_key").unlink(missing_ok=True)
    return result


def format_table(r: dict) -> str:
    hello = r["pages"]["hello world (bare Flask)"]["rps"] or 1
    hello_cpu = r["pages"]["hello world (bare Flask)"].get("cpu_ms")
    lines = [f"### {r['engine']}: {r['pupils']:,} pupils in {r['schools']} school(s), {r['cpus']} CPUs, "
             f"wrk -t{THREADS} -c{r['connections']} -d{r['seconds_per_page']}s per page",
             "", "| page | req/s | p50 ms | p95 ms | p99 ms | errors | vs hello | CPU ms/req | CPU vs hello "
             "| queries @200 | queries @2,000 |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, page in r["pages"].items():
        q200 = r["queries"][200].get(name, {}).get("queries", "")
        q2000 = r["queries"][2000].get(name, {}).get("queries", "")
        cpu = page.get("cpu_ms")
        cpu_text = f"{cpu:.2f}" if cpu is not None else ""
        ratio = f"{hello_cpu / cpu:.0%}" if cpu and hello_cpu else ""
        lines.append(f"| {name} | {page['rps']:.0f} | {page['p50_ms']:.1f} | {page['p95_ms']:.1f} | {page['p99_ms']:.1f} "
                     f"| {page['errors']} | {page['rps'] / hello:.0%} | {cpu_text} | {ratio} | {q200} | {q2000} |")
    submit = r["pages"].get("quiz submit")
    if submit:
        lines += ["", f"Quiz submit under wrk: {submit['requests']} answered, {submit.get('new_attempt_rows', '?')} new attempt "
                  "rows (a few more rows: requests still in flight when wrk stopped; fewer: the list of fresh forms ran out "
                  "and repeats were answered with the attempt already stored)."]
    s = r["spike"]
    lines += ["", f"9 o'clock spike: {s['sent']} quiz submissions over {s['spread_s']} s: {s['acknowledged']} acknowledged, "
              f"{s['errors']} errors, {s['rows']} new attempt rows (lost: {s['acknowledged'] - s['rows']}), "
              f"p50 {s['p50_ms']:.0f} ms, p99 {s['p99_ms']:.0f} ms, all done in {s['elapsed_s']:.1f} s.",
              f"School overview server time (in-process, median): {r['queries'][2000]['school overview (DSL)']['server_ms']} ms "
              f"at 2,000 pupils; {r['overview_in_database_ms']} ms for the 2,000-pupil school in this database of "
              f"{r['pupils']:,} pupils.",
              f"Gunicorn worker RSS after the run (MB): Harbour {r['worker_rss_mb']}, hello {r['hello_worker_rss_mb']}.",
              ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="3 s per page and a smaller trust, to check it runs")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is needed to drive the load: apt-get install wrk", file=sys.stderr)
        return 2
    quiet_request_log()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    for engine in engines:
        run_engine(engine, args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
