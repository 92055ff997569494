"""GET /health for the load balancer: 200 when the database answers, 503 when it does not. No login."""

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


def database_reachable() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError as error:
        log.warning("health check: database unreachable (%s)", type(error).__name__)
        db.session.rollback()
        return False
    finally:
        db.session.remove()


@bp.get("/health")
def health():
    if database_reachable():
        return jsonify(status="ok", database="reachable"), 200
    return jsonify(status="unavailable", database="unreachable"), 503, {"Retry-After": "5"}
