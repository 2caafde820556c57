"""Pages free what they read as soon as they are sent.

A macro defined in a template refers to that render's context, and the context holds the macro:
a reference cycle. Where the context held the board, every board page left all of its cards and
their rows to Python's garbage collector instead of freeing them when the response was sent. The
collector then ran in a later request, and the request's session expired every row still alive.
"""

import gc
from pathlib import Path

import pytest
from jinja2 import Environment, nodes
from sqlmodel import SQLModel

from boards import actions, goals
from boards.unit_of_work import unit_of_work

from .conftest import login


@pytest.fixture
def busy_board(db, world):
    """Wonen's board with cards, a goal of its own (its forms show to members) and a target date."""
    with unit_of_work(db) as s:
        goal = goals.create_team_goal(s, world.anna, world.wonen, title="Wachttijd halveren",
                                      horizon="short", parent_id=world.long_goal).goal
        ids = [actions.create_action(s, world.anna, world.wonen, title=f"Kaart {n}",
                                     goal_id=goal.id if n % 2 else world.short_goal).action.id
               for n in range(6)]
    return ids


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_macros_live_only_in_files_that_hold_nothing_else():
    """The rule behind the pages below, for every template: a file that defines a macro is a
    library of macros (imported, rendered once per process), not a page or a partial."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    libraries = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        template = env.parse(path.read_text(encoding="utf-8"))
        if next(template.find_all(nodes.Macro), None) is None:
            continue
        libraries.append(path.name)
        for node in template.body:
            blank = isinstance(node, nodes.Output) and all(
                isinstance(part, nodes.TemplateData) and not part.data.strip()
                for part in node.nodes
            )
            assert blank or isinstance(node, (nodes.Macro, nodes.FromImport, nodes.Import)), (
                f"{path.relative_to(TEMPLATES)} defines a macro and renders too "
                f"(line {node.lineno})"
            )
    assert "_forms.html" in libraries and "_cards.html" in libraries  # the walk saw them


def rows_left_to_the_collector(client, path):
    """The ORM rows among what the collector finds after one GET of path."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        response = client.get(path)
        gc.collect()
        rows = [o for o in gc.garbage if isinstance(o, SQLModel)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert response.status_code == 200, path
    return rows


@pytest.mark.parametrize(
    "path",
    [
        "/teams/{wonen}",
        "/teams/{wonen}/columns",
        "/teams/{wonen}/standup",
        "/teams/{wonen}/goals",
        "/actions/{card}",
        "/actions/{card}/edit",
        "/me",
        "/overview",
        "/goals",
    ],
)
def test_page_frees_its_rows_without_the_garbage_collector(client, world, busy_board, path):
    login(client, "anna@test.example")
    path = path.format(wonen=world.wonen, card=busy_board[0])
    client.get(path)  # the first render compiles the templates
    assert rows_left_to_the_collector(client, path) == []


def test_admin_page_frees_its_rows_without_the_garbage_collector(client, world, busy_board):
    login(client, "admin@test.example")
    client.get("/admin/")
    assert rows_left_to_the_collector(client, "/admin/") == []
