"""Templates' url_for remembers addresses per worker: the same address as Flask builds, under the app's
mount point (SCRIPT_NAME), with query values, and never for _external or _anchor calls."""

from flask import render_template_string, url_for


def test_remembered_addresses_are_the_ones_flask_builds(app):
    template = ("{{ url_for('help.help_page') }}|{{ url_for('static', filename='harbour.css') }}|"
                "{{ url_for('pupil.page', slug='people-online', number=2) }}|{{ url_for('teacher.class_page', class_id=3, sort='name') }}|"
                "{{ url_for('help.help_page', _anchor='adults') }}")
    with app.test_request_context("/"):
        first = render_template_string(template)
        again = render_template_string(template)
        expected = "|".join([url_for("help.help_page"), url_for("static", filename="harbour.css"),
                             url_for("pupil.page", slug="people-online", number=2),
                             url_for("teacher.class_page", class_id=3, sort="name"),
                             url_for("help.help_page", _anchor="adults")])
    assert first == again == expected
    assert "/teach/classes/3?sort=name" in first and "#adults" in first
    # Mounted under a path: the same endpoint is remembered apart, with the prefix.
    with app.test_request_context("/", base_url="http://localhost/harbour/"):
        mounted = render_template_string("{{ url_for('help.help_page') }}")
    assert mounted == "/harbour/help/"
    with app.test_request_context("/"):
        assert render_template_string("{{ url_for('help.help_page') }}") == "/help/"
