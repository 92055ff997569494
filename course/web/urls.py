"""url_for for templates, remembered per worker: a page builds the same dozen addresses (the stylesheet, the
help page, Quick exit, the menu, the lesson's pages) on every request, and Werkzeug builds each afresh.

An address depends only on the endpoint, its values and where the app is mounted (the script root), so it
is remembered under exactly those; relative endpoints (".page") also under the current blueprint. Calls
with _external, _anchor, _method or _scheme, or with values that cannot be a key, are built as usual.
Nothing about a person or their data is held here, only paths.
"""

from flask import current_app, request, url_for

LIMIT = 20_000  # addresses remembered per worker at most (a school's classes, pupils and modules fit)


def remembered_url_for(endpoint: str, **values) -> str:
    if any(key.startswith("_") for key in values):
        return url_for(endpoint, **values)
    key = (request.script_root, request.blueprint if endpoint.startswith(".") else None, endpoint,
           tuple(sorted(values.items())))
    try:
        known = current_app.extensions.setdefault("harbour_urls", {})
        found = known.get(key)
    except TypeError:  # a value that cannot be a key (a list): build it every time
        return url_for(endpoint, **values)
    if found is None:
        found = url_for(endpoint, **values)
        if len(known) < LIMIT:
            known[key] = found
    return found
