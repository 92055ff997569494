"""View guards: which roles may open a blueprint's pages. Which records they see is course.domain.scope."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..models import Role


def roles_required(*roles: Role):
    """Logged in, with one of these roles; any other role gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def guard_blueprint(blueprint, *roles: Role) -> None:
    """Every view of the blueprint needs one of the roles (checked before the view runs)."""

    @blueprint.before_request
    @login_required
    def _check():
        if current_user.role not in roles:
            abort(403)
