"""A body too deep, too large or malformed is a clear 4xx on every path, whoever reads it first
(the rate limiter's key functions, the login form, the API, SCIM); ids, versions and dates are
ASCII digits only (str.isdigit takes "²" and "١", int() takes "١")."""

import pytest
from werkzeug.routing import ValidationError

from boards.errors import Invalid

from app.inputs import IdConverter, ascii_number, parse_date, parse_id, parse_int, parse_version
from app.request_body import MAX_DEPTH, json_depth

from .conftest import login, make_app
from .factories import PASSWORD

DEEP = b"[" * 50_000 + b"]" * 50_000
DEEP_OBJECT = b'{"email": ' + b'{"a": ' * 40 + b"1" + b"}" * 40 + b"}"
LARGE = b'{"email": "' + b"x" * (1024 * 1024 + 10) + b'"}'
MALFORMED = [b"{", b'{"email": "a@b.nl",}', b"\xff\xfe", b"nul\x00l", b'{"email": "\\ud800"}']
NOT_ASCII = ["²", "١", "１", "٣٤", "1²", "⁴", "١٢", "1_0", "+1", "1 2", "0x1", "1e3", "1.0", "Ⅻ"]
# How a body is read does not depend on the database: these run on SQLite only.
ON_SQLITE = pytest.mark.parametrize("database_copy", ["sqlite"], indirect=True)
PATHS = ["/api/v1/tokens", "/login", "/api/v1/teams/wonen/actions", "/api/v1/people"]


def test_json_depth_counts_without_recursion():
    """Depth of a parsed value, even one nested far deeper than Python's recursion limit."""
    value = []
    for _ in range(100_000):
        value = [value]
    assert json_depth(value) == MAX_DEPTH + 1  # it stops counting once past the limit
    assert json_depth({"a": [1, {"b": 2}]}) == 3 and json_depth("x") == 0


@ON_SQLITE
@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT, *MALFORMED], ids=lambda b: repr(b[:12]))
@pytest.mark.parametrize("path", PATHS)
def test_unreadable_json_is_a_400_everywhere(client, world, api_as, path, body):
    """Deep, malformed or unstorable JSON: 400 or 422 (unstorable text), also on the token
    endpoint, whose rate limiter reads the e-mail address before the view does."""
    admin = api_as("admin@test.example")
    response = client.post(path, data=body, headers={**admin._headers(),
                                                     "Content-Type": "application/json"})
    assert response.status_code in (400, 422), (path, response.status_code)
    if path.startswith("/api/"):
        assert set(response.get_json()) >= {"error", "message"}


@ON_SQLITE
def test_deep_json_says_why(client, world):
    """The answer names the problem."""
    response = client.post("/api/v1/tokens", data=DEEP, content_type="application/json",
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "nested too deeply" in response.get_json()["message"]


@ON_SQLITE
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_too_large_bodies_are_refused(client, world, api_as, path, content_type):
    """Over MAX_CONTENT_LENGTH: 413, wherever it is read first."""
    admin = api_as("admin@test.example")
    response = client.post(path, data=LARGE, headers={**admin._headers(),
                                                      "Content-Type": content_type})
    assert response.status_code == 413, (path, response.status_code)


@ON_SQLITE
def test_a_bad_body_does_not_switch_the_limiter_off(db_url, world):
    """A key function that failed on the body made Flask-Limiter take its storage for dead
    (and count in memory from then on); now the limits still count after such bodies."""
    app = make_app(db_url, LOGIN_LIMIT_ACCOUNT="3 per 60 seconds",
                   LOGIN_LIMIT_ADDRESS="50 per 60 seconds")
    client = app.test_client()
    for body in (DEEP, LARGE, b"{"):
        assert client.post("/api/v1/tokens", data=body,
                           content_type="application/json").status_code in (400, 413)
    wrong = {"email": "anna@test.example", "password": "wrong password!"}
    codes = [client.post("/api/v1/tokens", json=wrong).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    app.extensions["verbeterbord.db"].dispose()


@pytest.mark.parametrize("text", NOT_ASCII)
def test_numbers_are_ascii_digits_only(text):
    """Each parser refuses what is not plain ASCII digits."""
    assert not ascii_number(text)
    for parse in (parse_int, parse_id, parse_version):
        with pytest.raises(Invalid):
            parse(text, "field")
    with pytest.raises(ValidationError):
        IdConverter(None).to_python(text)


def test_parsers_take_plain_numbers():
    """The plain forms are read; ids stay within a key's range."""
    assert parse_int("-3", "n") == -3 and parse_version("12", "version") == 12
    assert parse_id("42", "id") == 42 and parse_id("", "id") is None
    for bad in ("0", "-1", str(2**31), str(2**64), "9" * 5000):
        with pytest.raises(Invalid):
            parse_id(bad, "id")
    assert str(parse_date("2026-03-01", "d")) == "2026-03-01"
    for bad in ("٢٠٢٦-01-01", "2026-W01-1", "20260101", "2026-02-30", "2026-01-0١"):
        with pytest.raises(Invalid):
            parse_date(bad, "d")


@pytest.mark.parametrize("digit", ["١", "²", "１", "߁"])
def test_non_ascii_ids_in_paths_match_nothing(client, world, api_as, digit):
    """`/api/v1/actions/١` was action 1 (werkzeug's `\\d+` and int() take any script's digits)."""
    anna = api_as("anna@test.example")
    assert anna.get(f"/actions/{digit}/events").status_code == 404
    login(client, "anna@test.example", PASSWORD)
    assert client.get(f"/cycles/{digit}").status_code == 404
    assert client.get(f"/admin/webhooks?log={digit}").status_code in (200, 403)
