"""Command-line: migrate (and back), back up and restore, seed the demo, create an admin."""

import secrets
from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import current_app
from flask.cli import with_appcontext

from boards import catalog, people, recurring, seed, sign_in
from boards.errors import DomainError

from . import database
from .backup import BackupError, backup_database, restore_database
from .security_log import log_security, prune
from .serving import serving_processes
from .writes import write

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
@with_appcontext
def db_upgrade():
    """Apply all migrations."""
    upgrade_database(database.database().url)
    click.echo("Database is up to date.")


@db_group.command("downgrade")
@with_appcontext
@click.argument("revision", default="-1")
def db_downgrade(revision):
    """Undo migrations down to REVISION (default: the last one; "base" undoes all)."""
    command.downgrade(alembic_config(database.database().url), revision)
    click.echo(f"Database downgraded to {revision}.")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def backup(path):
    """Write a consistent copy of the database to PATH, also while the app serves."""
    try:
        backup_database(database.database().url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {path}.")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Restore even while a server serves this database.")
def restore(path, force):
    """Replace the database with the backup in PATH (stop the servers first)."""
    url = database.database().url
    running = serving_processes(current_app.instance_path, url)
    if running and not force:
        raise click.ClickException(
            "The app is serving this database (process %s). Stop it first, or use --force."
            % ", ".join(map(str, running)))
    database.database().dispose()
    try:
        restore_database(url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Database restored from {path}. Restart the app.")


@click.command("seed-demo")
@with_appcontext
@click.option("--password", envvar="DEMO_PASSWORD", default=None,
              help="Password for every demo login (else DEMO_PASSWORD, else a random one).")
def seed_demo(password):
    """Fill an empty database with the demo organisation and print its logins."""
    password = password or secrets.token_urlsafe(12)
    try:
        seed.check_demo_password(password)  # a refused password must leave no half demo
        logins = write(seed.seed_demo, password)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    if logins is None:
        click.echo("The database already has an organisation; the demo was not seeded.")
        return
    click.echo("Demo organisation seeded. Logins (password for all: %s):" % password)
    click.echo("  [admin] = administrator; [TvT] = sits in the Team van teams (delegate of a team)")
    for login in logins:
        click.echo(f"  {login.email:<36} {login.name:<22} {demo_login_roles(login)}")


def demo_login_roles(login):
    """'Team A, Team B [TvT: delegate of Team A] [admin]' for one printed demo login."""
    text = ", ".join(login.teams) or "-"
    if login.delegate_for:
        text += f"  [TvT: delegate of {login.delegate_for}]"
    elif login.in_team_of_teams:
        text += "  [TvT]"
    if login.is_admin:
        text += "  [admin]"
    return text


@click.command("create-admin")
@with_appcontext
@click.option("--name", prompt=True)
@click.option("--email", prompt=True)
@click.password_option()
@click.option("--break-glass", is_flag=True,
              help="May log in with a password even when LOCAL_LOGIN=0.")
def create_admin(name, email, password, break_glass):
    """Create an administrator account."""
    try:
        person = write(people.create_person, name=name, email=email, password=password,
                       is_admin=True)
        if break_glass:
            write(sign_in.set_break_glass, email, True)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    log_security("admin_change", "success", person_id=person.id, email=person.email,
                 method="cli", detail="create-admin")
    click.echo(f"Admin {email} created.")


@click.command("prune-security-log")
@with_appcontext
def prune_security_log_command():
    """Delete security log rows older than SECURITY_LOG_DAYS (also done hourly while serving)."""
    gone = prune()
    click.echo(f"{gone} security log rows older than "
               f"{current_app.config['SECURITY_LOG_DAYS']} days deleted.")


@click.command("break-glass")
@with_appcontext
@click.argument("email")
@click.option("--off", is_flag=True, help="Take the mark away again.")
def break_glass(email, off):
    """Mark an admin who may log in with a password when LOCAL_LOGIN=0 (provider outage)."""
    try:
        write(sign_in.set_break_glass, email, not off)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{email}: break-glass {'off' if off else 'on'}.")


@click.command("repeat-actions")
@with_appcontext
def repeat_actions_command():
    """Make the recurring actions' copies due in each team's working cycle (run it daily from a
    scheduler; closing a cycle makes them too; a second run makes nothing twice)."""
    # The new cards are broadcast as the board renders them: links as if requested at
    # PUBLIC_URL (there is no request here), as for mail.
    with current_app.test_request_context("/", base_url=current_app.config.get("PUBLIC_URL")
                                          or "http://localhost/"):
        result = write(recurring.repeat_due_actions)
    click.echo(f"{len(result.changes)} recurring actions copied.")


def init_app(app):
    """Register the commands."""
    app.cli.add_command(repeat_actions_command)
    app.cli.add_command(db_group)
    app.cli.add_command(prune_security_log_command)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(break_glass)
    app.cli.add_command(setup_organisation)


@click.command("setup-organisation")
@with_appcontext
@click.option("--name", prompt=True, help="The organisation's name.")
@click.option("--municipality", "municipalities", multiple=True, help="Repeat for each one.")
@click.option("--first-cycle-start", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="Start day of cycle 1 (YYYY-MM-DD); its weekday is the cycle start weekday.")
@click.option("--cycle-length", default=14, show_default=True, help="Days per cycle.")
def setup_organisation(name, municipalities, first_cycle_start, cycle_length):
    """Create the organisation (once, before the first admin logs in)."""
    try:
        write(catalog.setup_organisation, name=name, municipalities=municipalities,
              first_cycle_start=first_cycle_start.date(), cycle_length_days=cycle_length)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Organisation {name} created.")
