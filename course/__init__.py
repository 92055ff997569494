"""Harbour: an online-safety course package for schools. `create_app` builds the web app."""

import logging
import os
import sys
from pathlib import Path

from flask import Flask

from . import config
from .content.library import load_or_exit
from .extensions import csrf, login_manager, migrate
from .extensions import db as database
from .web import db, errors, page_context, request_log, security
from .web.bounds import BoundedIntegerConverter


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = BoundedIntegerConverter  # before any route is added
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)

    refuse_unsafe_production(app)
    configure_proxies(app)
    load_content(app)
    errors.refuse_oversized_requests(app)  # before CSRF's check, which would read the form first
    register_extensions(app)
    refuse_published_demo_passwords(app)
    register_blueprints(app)
    errors.register(app)
    security.register(app)
    page_context.register(app)
    request_log.register(app)
    register_commands(app)
    configure_logging(app)
    sync_content(app)
    return app


def refuse_unsafe_production(app: Flask) -> None:
    # In production (HARBOUR_PRODUCTION=1) an unsafe setting stops start-up with a message saying
    # what to change, rather than running a school's data on, say, a guessable key.
    problems = config.production_problems(app.config)
    if problems:
        for problem in problems:
            print(f"Harbour will not start in production: {problem}", file=sys.stderr)
        sys.exit(1)


DEMO_PASSWORDS_PROBLEM = ("the database holds demo accounts that still open with the passwords published in "
                          "Harbour's README ({names}): anyone could log in as them. Delete those accounts or give "
                          "them new passwords before pupils use this server ('flask doctor' lists them; flask "
                          "commands still run).")


def refuse_published_demo_passwords(app: Flask) -> None:
    # The web server in production only: `flask` commands (FLASK_RUN_FROM_CLI) must still run, to migrate
    # and to mend; `flask doctor` reports the same thing as a PROBLEM.
    if not app.config.get("HARBOUR_PRODUCTION") or os.environ.get("FLASK_RUN_FROM_CLI"):
        return
    from sqlalchemy.exc import SQLAlchemyError

    from .domain.demo import accounts_with_published_passwords

    with app.app_context():
        try:
            found = accounts_with_published_passwords(database.session)
        except SQLAlchemyError:  # no schema yet, or no database: `flask doctor` and /health say so
            found = []
        finally:
            database.session.remove()
    if found:
        print(f"Harbour will not start in production: {DEMO_PASSWORDS_PROBLEM.format(names=', '.join(found))}",
              file=sys.stderr)
        sys.exit(1)


def configure_proxies(app: Flask) -> None:
    # X-Forwarded-* headers can be forged by anyone unless exactly this many proxies set them.
    proxies = app.config["HARBOUR_PROXIES"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)


def load_content(app: Flask) -> None:
    # Invalid content stops start-up with file:line messages (and exit status 1), never a traceback.
    app.extensions["harbour.content"] = load_or_exit(Path(app.config["CONTENT_ROOT"]))


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, database, directory=str(config.MIGRATIONS_DIR))
    csrf.init_app(app)
    login_manager.init_app(app)


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .admin import year_bp as school_year_bp
    from .audit_log import bp as audit_log_bp
    from .auth import bp as auth_bp
    from .help import bp as help_bp
    from .home import bp as home_bp
    from .parents import bp as parents_bp
    from .pupil import bp as pupil_bp
    from .safeguarding import bp as safeguarding_bp
    from .setup import bp as setup_bp
    from .staff_training import bp as staff_training_bp
    from .teacher import bp as teacher_bp
    from .trust import bp as trust_bp
    from .web.health import bp as health_bp

    for blueprint in (setup_bp, health_bp, home_bp, auth_bp, help_bp, pupil_bp, teacher_bp, safeguarding_bp,
                      admin_bp, school_year_bp, audit_log_bp, trust_bp, staff_training_bp, parents_bp):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
        request_log.send_to_stdout()


def sync_content(app: Flask) -> None:
    """Bring the module table up to date; in demo mode, create the demo school on the first run."""
    from .web.content import sync_modules_if_ready

    with app.app_context():
        if sync_modules_if_ready() and app.config["HARBOUR_DEMO"]:
            from .web.content import ensure_demo_school

            ensure_demo_school()
