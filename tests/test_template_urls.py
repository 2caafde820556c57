"""The templates' url_for keeps links, per host and path prefix, equal to Flask's own."""

import pytest
from flask import render_template_string, url_for

LINKS = (
    "{{ url_for('pages.board', slug='wonen', cycle=3) }}"
    "|{{ url_for('static', filename='css/app.css') }}"
    "|{{ url_for('pages.action_detail', action_id=7, _anchor='notes') }}"
)


def links(app, host="verbeterbord.test", prefix=""):
    with app.test_request_context("/", base_url=f"https://{host}{prefix}/"):
        shown = render_template_string(LINKS)
        flask_own = "|".join((url_for("pages.board", slug="wonen", cycle=3),
                              url_for("static", filename="css/app.css"),
                              url_for("pages.action_detail", action_id=7, _anchor="notes")))
    return shown, flask_own


@pytest.mark.parametrize("database_copy", ["sqlite"], indirect=True)
def test_links_follow_the_path_prefix_and_host(app):
    for host, prefix in (("verbeterbord.test", ""), ("verbeterbord.test", "/gemeente"),
                         ("verbeterbord.test", ""), ("andere.test", "/bord")):
        shown, flask_own = links(app, host, prefix)
        assert shown == flask_own
        assert shown.startswith(f"{prefix}/teams/wonen?cycle=3|{prefix}/static/css/app.css?v=")


@pytest.mark.parametrize("database_copy", ["sqlite"], indirect=True)
def test_a_link_is_built_once_per_prefix(app, monkeypatch):
    links(app)  # kept from now on
    built = []
    adapter_build = type(app.url_map.bind("x")).build
    monkeypatch.setattr(type(app.url_map.bind("x")), "build",
                        lambda self, *a, **k: built.append(a[0]) or adapter_build(self, *a, **k))
    links(app)
    # Flask's own url_for in links() builds 3; the template builds only the link with an anchor.
    assert sorted(built) == sorted(
        ["pages.board", "static", "pages.action_detail", "pages.action_detail"]
    )
    links(app, prefix="/elders")
    assert len(built) == 4 + 3 + 3  # a new prefix: every template link is built anew


@pytest.mark.parametrize("database_copy", ["sqlite"], indirect=True)
def test_a_list_of_values_is_built_as_usual(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ url_for('pages.board', slug='wonen', x=[1, 2]) }}") \
            == "/teams/wonen?x=1&amp;x=2"
