"""Command-line: migrate the database, seed the demo, create an admin."""

import secrets
from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig

from boards import people, seed
from boards.errors import DomainError

from . import database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url):
    """Alembic's config for our migrations folder and this database."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = url
    return config


def upgrade_database(url):
    """Bring the schema to the newest migration."""
    command.upgrade(alembic_config(url), "head")


@click.group("db")
def db_group():
    """Database schema."""


@db_group.command("upgrade")
def db_upgrade():
    """Apply all migrations."""
    upgrade_database(database.database().url)
    click.echo("Database is up to date.")


@click.command("seed-demo")
@click.option("--password", envvar="DEMO_PASSWORD", default=None,
              help="Password for every demo login (else DEMO_PASSWORD, else a random one).")
def seed_demo(password):
    """Fill an empty database with the demo organisation and print its logins."""
    password = password or secrets.token_urlsafe(9)
    with database.writer() as session:
        logins = seed.seed_demo(session, password)
    if logins is None:
        click.echo("The database already has an organisation; the demo was not seeded.")
        return
    click.echo("Demo organisation seeded. Logins (password for all: %s):" % password)
    for name, email, role in logins:
        click.echo(f"  {email:<36} {name:<24} {role}")


@click.command("create-admin")
@click.option("--name", prompt=True)
@click.option("--email", prompt=True)
@click.password_option()
def create_admin(name, email, password):
    """Create an administrator account."""
    try:
        with database.writer() as session:
            people.create_person(session, name=name, email=email, password=password, is_admin=True)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Admin {email} created.")


def init_app(app):
    """Register the commands."""
    app.cli.add_command(db_group)
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_admin)
