"""The "9 o'clock spike": 300 pupils submit a quiz within a few seconds of each other.

Each pupil gets one thread that waits for its moment (spread evenly over `spread_seconds`), then
posts its quiz once. 300 requests in 5 s is 60 a second: a Python client keeps up easily.
"""

import http.client
import statistics
import threading
import time

from bench.sessions import USER_AGENT, first_module_slug, quiz_body, session_cookie


def _post(host: str, port: int, path: str, cookie: str, body: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("POST", path, body=body, headers={
            "Cookie": f"session={cookie}", "User-Agent": USER_AGENT,
            "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()


def run_spike(app, base_url: str, pupil_ids: list[int], spread_seconds: float = 5.0) -> dict:
    host, _, port = base_url.removeprefix("http://").partition(":")
    slug = first_module_slug(app)
    path = f"/lessons/{slug}/quiz"
    prepared = []
    for pupil_id in pupil_ids:
        cookie, csrf = session_cookie(app, pupil_id, f"bench-{pupil_id}")
        prepared.append((cookie, quiz_body(app, pupil_id, slug, csrf)))
    outcomes: list[tuple[float, int, str] | None] = [None] * len(prepared)
    start = time.monotonic() + 0.5

    def submit(index: int, cookie: str, body: str) -> None:
        time.sleep(max(0.0, start + index * spread_seconds / len(prepared) - time.monotonic()))
        began = time.monotonic()
        try:
            status, location = _post(host, int(port), path, cookie, body)
        except OSError as error:
            status, location = 0, type(error).__name__
        outcomes[index] = ((time.monotonic() - began) * 1000, status, location)

    threads = [threading.Thread(target=submit, args=(i, c, b)) for i, (c, b) in enumerate(prepared)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = sorted(o[0] for o in outcomes)
    acknowledged = sum(1 for o in outcomes if o[1] == 302 and "/attempts/" in o[2])
    return {"sent": len(prepared), "spread_s": spread_seconds, "acknowledged": acknowledged,
            "errors": len(prepared) - acknowledged, "elapsed_s": round(time.monotonic() - start, 2),
            "p50_ms": statistics.median(latencies),
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]}
