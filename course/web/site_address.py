"""Links that leave Harbour (in emails): built from the configured site address, never from the request.

A request's Host (or X-Forwarded-Host) header is whatever the sender typed, so a link made from it can
point a safeguarding lead at someone else's site.
"""

from flask import current_app, url_for

from ..config import DEVELOPMENT_SITE_URL


def external_url(endpoint: str, **values) -> str:
    """The full address of a Harbour page, on HARBOUR_SITE_URL (production refuses to start without it)."""
    site = (current_app.config.get("SITE_URL") or DEVELOPMENT_SITE_URL).rstrip("/")
    return site + url_for(endpoint, **values)
