"""A bare Flask "hello world": the ceiling each Harbour page's throughput is compared with.

Run under the same gunicorn config as Harbour: `gunicorn -c deploy/gunicorn.conf.py bench.hello:app`.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, world!"
