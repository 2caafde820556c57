"""Command-line: migrate, set up the organisation, create an admin, seed the demo."""

from sqlmodel import select

from boards.db import Database
from boards.models import SecurityEvent
from boards.people import authenticate

from .conftest import make_app


def test_fresh_install_through_the_cli(tmp_path, sqlite_templates):
    """A fresh database: organisation and admin from the CLI; the admin can log in."""
    url = sqlite_templates.copy(tmp_path).url
    runner = make_app(url).test_cli_runner()
    result = runner.invoke(args=["setup-organisation", "--name", "Werkorganisatie Test",
                                 "--municipality", "Baarle-Nassau", "--first-cycle-start",
                                 "2026-01-05"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "create-admin",
            "--name",
            "Beheer",
            "--email",
            "beheer@test.example",
            "--password",
            "een lang wachtwoord",
        ]
    )
    assert result.exit_code == 0, result.output
    with Database(url).reader() as s:
        admin = authenticate(s, "beheer@test.example", "een lang wachtwoord")
        assert admin.is_admin
        [logged] = s.exec(select(SecurityEvent)).all()  # the security log has it
        assert (logged.kind, logged.person_id, logged.method) == ("admin_change", admin.id, "cli")
    again = runner.invoke(args=["create-admin", "--name", "X", "--email", "beheer@test.example",
                                "--password", "een lang wachtwoord"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_seed_demo_prints_logins_once(tmp_path, sqlite_templates):
    """seed-demo fills an empty database, prints the logins, and leaves a seeded one alone."""
    runner = make_app(sqlite_templates.copy(tmp_path).url).test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--password", "demo-wachtwoord-2026"])
    assert first.exit_code == 0 and "ingrid.de.vries@abg.example" in first.output
    assert "demo-wachtwoord-2026" in first.output
    lines = {line.split()[0]: line for line in first.output.splitlines()[2:]}
    assert lines["ingrid.de.vries@abg.example"].endswith("Team van teams  [TvT]  [admin]")
    assert "Klantcontact, Team van teams  [TvT: delegate of Klantcontact]" in \
        lines["sanne.jansen@abg.example"]
    mohamed = lines["mohamed.el.amrani@abg.example"]
    assert mohamed.endswith("Informatievoorziening, Klantcontact") and "[" not in mohamed
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "already" in second.output


def test_seed_demo_refuses_a_weak_password(tmp_path, sqlite_templates):
    """The demo password follows the password policy too."""
    runner = make_app(sqlite_templates.copy(tmp_path).url).test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--password", "password1234"])
    assert result.exit_code != 0 and "common" in result.output
    again = runner.invoke(args=["seed-demo", "--password", "demo-wachtwoord-2026"])
    assert again.exit_code == 0 and "ingrid.de.vries@abg.example" in again.output
