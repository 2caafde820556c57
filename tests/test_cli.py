"""Command-line: migrate, set up the organisation, create an admin, seed the demo."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from boards.db import Database
from boards.models import SecurityEvent
from boards.people import authenticate

from .conftest import make_app

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.mark.parametrize("command", [["seed-demo"], ["routes"]])
def test_a_command_without_secret_key_says_so_in_one_line(tmp_path, command):
    """As the server does (tests/test_start_up.py): one line naming the setting, no traceback."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("SECRET_KEY", "VERBETERBORD_DEMO", "FLASK_APP")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'verbeterbord.db'}",
               PUBLIC_URL="https://verbeterbord.test", PYTHONWARNINGS="ignore")
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *command], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: SECRET_KEY is not set. Set it, or run in demo mode (VERBETERBORD_DEMO=1)."]
