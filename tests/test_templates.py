"""Templates stay readable: no line longer than a screen is wide."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LIMIT = 160


def test_template_lines_are_short():
    """No line in templates/ exceeds 160 characters: split attributes, `{% set %}` long ones."""
    too_long = [
        f"{path.relative_to(TEMPLATES)}:{number}: {len(line)} characters"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > LIMIT
    ]
    assert not too_long, "\n".join(too_long)


def test_the_check_sees_the_templates():
    """The line check reads the real template folder (a wrong path would pass trivially)."""
    assert len(list(TEMPLATES.rglob("*.html"))) > 40
    assert (TEMPLATES / "boards" / "_cards.html").is_file()
