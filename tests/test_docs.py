"""The docs stay true to the tree: every path they name exists, every link lands, the README is
short and gives the commands the Makefile and CI run."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "bench" / "RESULTS.md"]
README_MAX_LINES = 160

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.M)
# A path: letters, digits and . _ - /, nothing else (no spaces, placeholders, URLs or options).
PATH_CHARACTERS = re.compile(r"[A-Za-z0-9_.\-/]+")
FILE_ENDINGS = (".py", ".html", ".md", ".js", ".css", ".txt", ".toml", ".json")
# `text/html` and `application/json` are media types, not folders of this repository.
MEDIA_TYPES = {"application", "text", "image", "audio", "video", "font", "multipart", "message"}
# Made at runtime, never in the repository: the SQLite database, the demo secret, the markers of
# running servers.
RUNTIME_PATHS = ("instance/",)
SKIPPED_PARTS = {".git", ".venv", "instance", "__pycache__", "node_modules"}


def without_code_blocks(text):
    """The text with its fenced code blocks left out (shell lines, config files, JSON)."""
    return FENCE.sub("", text)


def named_paths(text):
    """The backticked names in `text` that look like repository paths: they hold a "/" or end
    in a source or document file's ending. URL paths (`/me`) and media types are not."""
    for match in CODE_SPAN.finditer(without_code_blocks(text)):
        name = match.group(1)
        if not PATH_CHARACTERS.fullmatch(name) or name.startswith("/"):
            continue
        if re.fullmatch(r"\.[a-z]+", name):  # an ending alone, such as `.json`
            continue
        if "/" not in name and not name.endswith(FILE_ENDINGS):
            continue
        if name.split("/")[0] in MEDIA_TYPES:
            continue
        yield name


def repository_file_names():
    """The name of every file in the repository (for a name given without its folder)."""
    return {path.name for path in ROOT.rglob("*")
            if path.is_file() and not SKIPPED_PARTS & set(path.relative_to(ROOT).parts)}


def missing_paths(text, file_names):
    """The paths `text` names that are not in the repository."""
    missing = []
    for name in named_paths(text):
        if name.startswith(RUNTIME_PATHS):
            continue
        found = (ROOT / name).exists() if "/" in name else name in file_names
        if not found:
            missing.append(name)
    return missing


def slug(heading):
    """A heading's anchor as GitHub makes it: lower case, punctuation gone, spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path):
    """Every anchor a Markdown file's headings make (a repeated heading gets -1, -2, ...)."""
    seen, found = {}, set()
    for heading in HEADING.findall(without_code_blocks(path.read_text())):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(path):
    """The relative links in a Markdown file whose file or heading is not there."""
    broken = []
    for target in LINK.findall(without_code_blocks(path.read_text())):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(target)
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(target)
    return broken


def test_every_path_the_docs_name_exists():
    """A file or folder named in the README, docs/ or bench/RESULTS.md is in the repository."""
    file_names = repository_file_names()
    missing = {str(doc.relative_to(ROOT)): missing_paths(doc.read_text(), file_names)
               for doc in DOCS}
    assert {doc: names for doc, names in missing.items() if names} == {}


def test_the_path_check_finds_a_stale_name():
    """The check itself: a removed partial, a folder that is not there and a bare file name that
    is nowhere are found; URL paths, media types, runtime paths and shell lines are not paths."""
    text = ("`templates/boards/_card.html` and `boards/rooms/` and `nowhere_at_all.py`; "
            "`/teams/<slug>`, `/me`, `text/csv`, `instance/serving/`, `.json`, "
            "`flask --app app db upgrade`, `app/writes.py`, `writes.py`\n"
            "```sh\ncat `gone/file.py`\n```\n")
    assert missing_paths(text, repository_file_names()) == [
        "templates/boards/_card.html", "boards/rooms/", "nowhere_at_all.py"]


def test_every_relative_link_lands():
    """Links between the docs point at files that exist, and at headings those files have."""
    broken = {str(doc.relative_to(ROOT)): broken_links(doc) for doc in DOCS}
    assert {doc: targets for doc, targets in broken.items() if targets} == {}


def test_the_link_check_finds_a_missing_heading(tmp_path):
    """The check itself: a link to a heading that is not there is broken."""
    doc = tmp_path / "doc.md"
    doc.write_text("# Title\n\n## Scaling out (PostgreSQL)\n\n[a](#scaling-out-postgresql) "
                   "[b](#scaling) [c](other.md)\n")
    assert broken_links(doc) == ["#scaling", "other.md"]


def test_readme_is_short():
    """The README is for a newcomer: at most a screenful or three; the rest is in docs/."""
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines"


def test_readme_gives_the_commands_that_ci_and_the_makefile_run():
    """`make run`, `make test` and `make check` are in the README and the Makefile, and CI runs
    the README's test command."""
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for command in ("make run", "make test", "make check"):
        assert command in readme, command
        assert re.search(rf"^{command.split()[1]}:", makefile, re.M), command
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert "make test" in ci
