"""Harbour: an online-safety course package for schools. `create_app` builds the web app."""

import logging
from pathlib import Path

from flask import Flask

from . import config, db, errors, page_context, security
from .content.library import load_or_exit
from .extensions import csrf, login_manager, migrate
from .extensions import db as database


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)

    load_content(app)
    register_extensions(app)
    register_blueprints(app)
    errors.register(app)
    security.register(app)
    page_context.register(app)
    register_commands(app)
    configure_logging(app)
    sync_content(app)
    return app


def load_content(app: Flask) -> None:
    # Invalid content stops start-up with file:line messages (and exit status 1), never a traceback.
    app.extensions["harbour.content"] = load_or_exit(Path(app.config["CONTENT_ROOT"]))


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, database, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .audit_log import bp as audit_log_bp
    from .auth import bp as auth_bp
    from .help import bp as help_bp
    from .home import bp as home_bp
    from .pupil import bp as pupil_bp
    from .safeguarding import bp as safeguarding_bp
    from .teacher import bp as teacher_bp

    for blueprint in (home_bp, auth_bp, help_bp, pupil_bp, teacher_bp, safeguarding_bp, admin_bp,
                      audit_log_bp):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from .commands import register

    register(app)


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


def sync_content(app: Flask) -> None:
    """Bring the module table up to date; in demo mode, create the demo school on the first run."""
    from .content_sync import sync_modules_if_ready

    with app.app_context():
        if sync_modules_if_ready() and app.config["HARBOUR_DEMO"]:
            from .demo import ensure_demo_school

            ensure_demo_school()
