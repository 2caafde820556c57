"""The partials kept per language and URL prefix (app/i18n.py language_fragment) read nothing
else: no data, nothing of the request, the session or the person asking."""

import re
from pathlib import Path

import pytest
from flask_babel import force_locale
from jinja2 import Environment, meta

from app.i18n import language_fragment

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def kept_partials():
    """Every template a page passes to language_fragment."""
    return sorted({name for path in TEMPLATES.rglob("*.html")
                   for name in re.findall(r'language_fragment\("([^"]+)"\)', path.read_text())})


@pytest.mark.parametrize("database_copy", ["sqlite"], indirect=True)
def test_a_kept_partial_reads_only_its_texts_and_url_for(app):
    """Anything else it read would have to go into language_fragment's key first."""
    assert kept_partials() == ["_i18n.html", "_undo.html"]
    plain = Environment(extensions=list(app.jinja_env.extensions))  # see test_card_cache.py
    for name in kept_partials():
        parsed = plain.parse(app.jinja_env.loader.get_source(app.jinja_env, name)[0])
        assert meta.find_undeclared_variables(parsed) <= {"url_for"}, name
        assert list(meta.find_referenced_templates(parsed)) == [], name


@pytest.mark.parametrize("database_copy", ["sqlite"], indirect=True)
def test_a_kept_partial_follows_the_language_and_the_url_prefix(app):
    shown = {}
    for language in ("nl", "en"):
        for prefix in ("", "/gemeente"):
            with app.test_request_context("/", base_url=f"https://verbeterbord.test{prefix}/"), \
                    force_locale(language):
                shown[language, prefix] = str(language_fragment("_undo.html"))
    assert 'data-url="/actions/0/restore"' in shown["nl", ""]
    assert 'data-url="/gemeente/actions/0/restore"' in shown["nl", "/gemeente"]
    assert shown["nl", ""] != shown["en", ""]
    assert shown["en", ""].replace("/actions", "/gemeente/actions") == shown["en", "/gemeente"]
