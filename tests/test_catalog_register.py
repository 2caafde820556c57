"""The Dutch UI speaks to people with "u", never "je": in the catalog and in templates."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "app" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jezelf|jullie)\b", re.IGNORECASE)
# A help reply typed by a person may say "Dank je"; only the UI's own texts are checked.


def test_no_dutch_text_says_je():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    informal = []
    for message in catalog:
        texts = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        informal += [text for text in texts if text and INFORMAL.search(text)]
    assert informal == []
    assert len(catalog) > 500  # the catalog was read, not an empty file


def test_no_template_says_je_outside_the_catalog():
    found = [str(path.relative_to(ROOT)) for path in (ROOT / "templates").rglob("*.*")
             for line in path.read_text(encoding="utf-8").splitlines()
             if INFORMAL.search(re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", line))]
    assert found == []
