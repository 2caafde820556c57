"""The per-test databases: copies of a migrated template, each on its own, ids continuing."""

from contextlib import ExitStack
from itertools import count

import pytest
from sqlmodel import select

from boards import people
from boards.db import Database
from boards.models import Person
from boards.unit_of_work import unit_of_work

from .factories import PASSWORD


@pytest.fixture(params=["sqlite", "postgres"])
def make_copy(request, tmp_path):
    """make_copy(with_world) → a new copy of a template on SQLite or on PostgreSQL."""
    if request.param == "sqlite":
        templates, folders = request.getfixturevalue("sqlite_templates"), count()

        def sqlite_copy(with_world):
            folder = tmp_path / str(next(folders))
            folder.mkdir()
            return templates.copy(folder, with_world=with_world)

        yield sqlite_copy
        return
    templates = request.getfixturevalue("postgres_templates")
    with ExitStack() as copies:
        yield lambda with_world: copies.enter_context(templates.copy(with_world=with_world))


def emails(url):
    database = Database(url)
    try:
        with database.reader() as session:
            return {person.email for person in session.exec(select(Person)).all()}
    finally:
        database.dispose()


def test_copies_are_independent_and_ids_continue(make_copy):
    """A write in one copy is not in the next; new rows get ids after the world's."""
    first = make_copy(with_world=True)
    database = Database(first.url)
    with unit_of_work(database) as session:
        dirk = people.create_person(session, name="Dirk", email="dirk@test.example",
                                    password=PASSWORD)
    database.dispose()
    world = first.world
    assert dirk.id > max(world.admin, world.anna, world.bert, world.carla)
    assert emails(first.url) >= {"dirk@test.example", "anna@test.example"}
    second = make_copy(with_world=True)
    assert second.url != first.url and second.world == world
    assert "dirk@test.example" not in emails(second.url)
    assert "anna@test.example" in emails(second.url)


def test_copy_without_world_is_migrated_and_empty(make_copy):
    """Without the world a copy has every table and no rows."""
    copy = make_copy(with_world=False)
    assert copy.world is None
    assert emails(copy.url) == set()
