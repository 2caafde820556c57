"""Password hashing: argon2's production parameters unless the test suite asks for cheap ones."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher, extract_parameters, profiles

from boards import people
from boards.password_policy import PasswordContext

ROOT = Path(__file__).resolve().parent.parent
FAST = "VERBETERBORD_FAST_HASHING"
PASSWORD = "correct horse battery"


def hash_in_fresh_process(**env):
    """A password hashed by boards.people imported in a new process, with `env` on top."""
    environment = {name: value for name, value in os.environ.items() if name != FAST}
    environment.update(env)
    done = subprocess.run(
        [sys.executable, "-c", "from boards import people, password_policy; print(people."
         f"hash_password({PASSWORD!r}, password_policy.PasswordContext()))"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("env", [{}, {FAST: "0"}], ids=["unset", "zero"])
def test_production_parameters_without_the_variable(env):
    """Without VERBETERBORD_FAST_HASHING=1, hashes use argon2-cffi's (RFC 9106) defaults."""
    hashed = hash_in_fresh_process(**env)
    parameters = extract_parameters(hashed)
    assert parameters == extract_parameters(PasswordHasher().hash(PASSWORD))
    assert parameters.memory_cost >= 64 * 1024 and parameters.time_cost >= 3
    assert PasswordHasher().verify(hashed, PASSWORD)


def test_cheap_parameters_only_with_the_variable():
    """VERBETERBORD_FAST_HASHING=1 (set by the test suite) gives argon2's cheapest parameters."""
    assert extract_parameters(hash_in_fresh_process(**{FAST: "1"})) == profiles.CHEAPEST
    assert os.environ.get(FAST) == "1"
    assert (
        extract_parameters(people.hash_password(PASSWORD, PasswordContext())) == profiles.CHEAPEST
    )
