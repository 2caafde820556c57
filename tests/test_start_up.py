"""A server started without a setting it needs says so in one line and stops."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"

pytestmark = pytest.mark.live  # starts gunicorn


def start(tmp_path, **settings):
    env = {key: value for key, value in os.environ.items()
           if key not in ("SECRET_KEY", "PUBLIC_URL", "VERBETERBORD_DEMO", "DATABASE_URL")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'verbeterbord.db'}",
               PYTHONWARNINGS="ignore", **settings)
    return subprocess.run([str(GUNICORN), "-k", "eventlet", "-w", "1", "--no-control-socket",
                           "--bind", "127.0.0.1:0", "app.wsgi:app"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("settings, said", [
    ({"PUBLIC_URL": "https://verbeterbord.test"}, "SECRET_KEY is not set"),
    ({"SECRET_KEY": "a-real-secret-from-the-vault"}, "PUBLIC_URL is not set"),
    ({"SECRET_KEY": "a-real-secret-from-the-vault", "PUBLIC_URL": "ftp://x"}, "PUBLIC_URL must be"),
])
def test_missing_setting_stops_gunicorn_with_one_line(tmp_path, settings, said):
    result = start(tmp_path, **settings)
    assert result.returncode != 0  # gunicorn stopped (it would otherwise run until killed)
    assert f"Verbeterbord cannot start: {said}" in result.stderr
    assert "Traceback" not in result.stderr
