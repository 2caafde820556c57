"""Migrations: they agree with the models, carry data over, and go down and up again."""

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import boards.models  # noqa: F401  (registers the tables)
from app.cli import alembic_config

from .databases import PostgresSchema, require_postgres

import pytest


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request, tmp_path):
    """An empty database (no migrations run) on SQLite or PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
    else:
        require_postgres()
        with PostgresSchema(migrate=False) as schema:
            yield schema.url


def _differences(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def test_models_and_migrations_agree(empty_url):
    """The schema the migrations build is exactly the one the models describe."""
    command.upgrade(alembic_config(empty_url), "head")
    assert _differences(empty_url) == []


def _seed_0004(connection):
    """Rows as version 0004 stored them: cycle rows, cycle ids, an escalation on a done card."""
    run = lambda sql, **values: connection.execute(sa.text(sql), values)  # noqa: E731
    run("INSERT INTO organisation (id, name, cycle_length_days, first_cycle_start) "
        "VALUES (1, 'Org', 14, '2026-01-05')")
    run("INSERT INTO person (id, name, email, is_admin, active, session_epoch) "
        "VALUES (1, 'Anna', 'anna@example.org', false, true, 0)")
    run("INSERT INTO team (id, name, slug, kind) VALUES (1, 'Wonen', 'wonen', 'team')")
    run("INSERT INTO cycle (id, number, start, \"end\", state) VALUES "
        "(7, 3, '2026-02-02', '2026-02-15', 'planned'), (9, 4, '2026-02-16', '2026-03-01', 'planned')")
    for action_id, cycle_id, status, needs_help, outcome in [
            (1, 7, 'todo', True, 'carried'), (2, 9, 'todo', True, None),
            (3, 9, 'done', True, None), (4, 9, 'doing', False, None)]:
        run("INSERT INTO action (id, title, notes, owner_id, team_id, cycle_id, status, position, "
            "needs_help, help_reason, carry_count, version, created_at, updated_at, outcome, "
            "outcome_reason) VALUES (:id, 'Kaart', '', 1, 1, :cycle, :status, 'a0', :help, "
            "'hulp', 0, 1, '2026-02-02 10:00:00', '2026-02-02 10:00:00', :outcome, '')",
            id=action_id, cycle=cycle_id, status=status, help=needs_help, outcome=outcome)
    run("INSERT INTO teamcycle (team_id, cycle_id, closed_at, went_well, to_improve, do_differently)"
        " VALUES (1, 7, '2026-02-16 09:00:00', 'samen', '', '')")


def test_computed_cycles_migration_carries_data_over(empty_url):
    """Cycle ids become numbers; escalations of done or decided cards end, each logged."""
    config = alembic_config(empty_url)
    command.upgrade(config, "0004")
    engine = sa.create_engine(empty_url)
    try:
        with engine.begin() as connection:
            _seed_0004(connection)
        command.upgrade(config, "head")
        with engine.connect() as connection:
            actions = connection.execute(sa.text(
                "SELECT id, cycle_number, needs_help FROM action ORDER BY id")).all()
            assert [tuple(row) for row in actions] == [(1, 3, False), (2, 4, True), (3, 4, False),
                                                       (4, 4, False)]
            records = connection.execute(sa.text(
                "SELECT team_id, cycle_number, went_well FROM teamcycle")).all()
            assert [tuple(row) for row in records] == [(1, 3, "samen")]
            ended = connection.execute(sa.text(
                "SELECT action_id FROM event WHERE kind = 'help_ended' ORDER BY action_id")).scalars()
            assert list(ended) == [1, 3]
        command.downgrade(config, "0004")
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT a.id, c.number FROM action a JOIN cycle c ON c.id = a.cycle_id "
                "ORDER BY a.id")).all()
            assert [tuple(row) for row in rows] == [(1, 3), (2, 4), (3, 4), (4, 4)]
        command.upgrade(config, "head")
    finally:
        engine.dispose()
    assert _differences(empty_url) == []


def test_goals_migration_opens_every_goal_and_goes_down_again(empty_url):
    """0006: existing goals become open at version 1, ambitions unretired; down and up again."""
    config = alembic_config(empty_url)
    command.upgrade(config, "0005")
    engine = sa.create_engine(empty_url)
    try:
        with engine.begin() as connection:
            run = lambda sql: connection.execute(sa.text(sql))  # noqa: E731
            run("INSERT INTO ambition (id, title, description, colour, \"order\") "
                "VALUES (1, 'Dichtbij', '', '#1f6feb', 0)")
            run("INSERT INTO goal (id, ambition_id, horizon, title) VALUES (1, 1, 'long', 'Een 8'),"
                " (2, 1, 'short', 'Terugbellen')")
        command.upgrade(config, "0006")
        with engine.connect() as connection:
            goals = connection.execute(sa.text(
                "SELECT id, status, version, achieved_on FROM goal ORDER BY id")).all()
            assert [tuple(row) for row in goals] == [(1, "open", 1, None), (2, "open", 1, None)]
            ambition = connection.execute(sa.text("SELECT retired, version FROM ambition")).one()
            assert (bool(ambition[0]), ambition[1]) == (False, 1)
        command.downgrade(config, "0005")
        with engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("goal")}
            assert "status" not in columns and "version" not in columns
        command.upgrade(config, "head")
    finally:
        engine.dispose()
    assert _differences(empty_url) == []
