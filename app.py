"""Entry point: `flask --app app run`, or gunicorn 'app:app'."""

from course import create_app

app = create_app()
