"""The app's lesson content: the loaded library, and the module table kept in step with its files."""

import logging

from flask import current_app
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..content import ContentLibrary
from ..domain.directory import sync_roles_from_files
from ..extensions import db
from ..models import Module

log = logging.getLogger(__name__)


def library() -> ContentLibrary:
    return current_app.extensions["harbour.content"]


def sync_modules(session, content: ContentLibrary) -> None:
    """Insert new modules, update changed ones, mark vanished ones unavailable (their progress stays)."""
    existing = {m.slug: m for m in session.scalars(select(Module))}
    for position, module in enumerate(content.ordered()):
        row = existing.pop(module.slug, None) or Module(slug=module.slug)
        row.title = module.title
        row.age_band = module.age_band
        row.position = position
        row.page_count = module.page_count
        row.content_hash = content.content_hash(module.slug)
        row.available = True
        session.add(row)
    for gone in existing.values():
        gone.available = False
    session.commit()
    current_app.extensions.pop("harbour.module_ids", None)


def sync_modules_if_ready() -> bool:
    """At start-up: sync if the schema exists (before `flask db upgrade` it does not yet)."""
    try:
        if not inspect(db.engine).has_table("module"):
            log.warning("The database has no tables yet: run 'flask db upgrade'.")
            return False
        sync_modules(db.session, library())
        if sync_roles_from_files(db.session, library()):
            db.session.commit()
    except IntegrityError:
        # Another worker synced at the same moment; its rows are the same.
        db.session.rollback()
    except OperationalError as error:
        # The database is down: start anyway, so /health can say so and pages answer 503, not a crash loop.
        log.warning("The database cannot be reached (%s): modules not synced.", type(error).__name__)
        db.session.rollback()
        return False
    finally:
        db.session.remove()
    return True


def module_ids() -> dict[str, int]:
    """slug -> id for available modules; cached on the app once the table is synced."""
    cached = current_app.extensions.get("harbour.module_ids")
    if cached is None:
        cached = dict(db.session.execute(select(Module.slug, Module.id).where(Module.available)).all())
        current_app.extensions["harbour.module_ids"] = cached
    return cached


def ensure_demo_school() -> None:
    """Demo mode's first run: create the demo school if there is no school yet."""
    from ..domain.demo import create_demo_school
    from ..domain.schools import has_school

    try:
        if not has_school(db.session):
            create_demo_school(db.session, library(), module_ids())
    except IntegrityError:
        db.session.rollback()  # another worker created it at the same moment
    finally:
        db.session.remove()
