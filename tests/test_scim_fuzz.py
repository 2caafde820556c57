"""SCIM fuzzed as the JSON API is: generated and hostile requests, not one server error.

Hypothesis builds requests for every SCIM endpoint: ids and paging numbers in other scripts'
digits ("١", "²"), huge numbers, deep JSON, wrong content types, line breaks, NUL and lone
surrogates in names, malformed bodies. Every answer is a SCIM answer below 500.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import make_app

SECRET = "directory-secret-for-tests"
AUTH = {"Authorization": f"Bearer {SECRET}"}
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
HOSTILE_NUMBERS = ["١", "²", "١٢", "１", "߁", "0", "-1", "1", "2", str(2**31), str(2**63),
                   str(2**64), "9" * 5000, "1e3", "0x10", "1.5", "+1", " 1", "1\n", "1\x00", ""]
HOSTILE_TEXT = ["a\nb", "a\r\nBcc: x@evil.example", "\x00", "a\x00b", "\ud800", "x" * 5000,
                "\u2028", "\t", "é", "Ⅻ", "١", ""]
CONTENT_TYPES = ["application/scim+json", "application/json", "text/plain",
                 "application/x-www-form-urlencoded", "multipart/form-data", None]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=20) | st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=4),
    max_leaves=12)
hostile = st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS)
text = hostile | st.text(max_size=30)
# A URL carries bytes: a lone surrogate cannot be in one (%ED%A0%80 decodes to U+FFFD).
NO_SURROGATES = st.characters(blacklist_categories=("Cs",))
url_text = st.sampled_from([t for t in HOSTILE_TEXT + HOSTILE_NUMBERS if t != "\ud800"]) \
    | st.text(alphabet=NO_SURROGATES, max_size=30)


@st.composite
def users(draw):
    """A SCIM User, more or less: hostile values in the places a directory fills in."""
    return {"schemas": draw(st.sampled_from([[USER_SCHEMA], [], ["x"]])),
            "userName": draw(text), "displayName": draw(text), "externalId": draw(text),
            "emails": [{"value": draw(text), "primary": draw(st.booleans())}],
            "active": draw(st.booleans() | hostile)}


@st.composite
def groups(draw):
    """A SCIM Group with hostile names and member ids."""
    return {"schemas": [GROUP_SCHEMA], "displayName": draw(text),
            "members": [{"value": draw(text)} for _ in range(draw(st.integers(0, 3)))]}


@st.composite
def patches(draw):
    """A PatchOp whose operations carry hostile paths and values."""
    return {"schemas": [PATCH_SCHEMA], "Operations": [
        {"op": draw(st.sampled_from(["add", "replace", "remove", "x", 1])),
         "path": draw(st.sampled_from(["active", "displayName", "userName", "members",
                                       'members[value eq "١"]', "emails[", "", None])),
         "value": draw(json_values | text)} for _ in range(draw(st.integers(0, 3)))]}


def _raw(body):
    return body if isinstance(body, bytes) else json.dumps(body).encode("utf-8", "surrogatepass")


DEEP = b'{"schemas": [' + b"[" * 20_000 + b"]" * 20_000 + b"]}"
bodies = (
    users()
    | groups()
    | patches()
    | json_values
    | st.sampled_from(
        [
            DEEP,
            b"[" * 50_000,
            b"{",
            b"\xff\xfe",
            b"null",
            b"",
            b"\x00",
            b'{"userName": "\\ud800"}',
            b'{"schemas": ["' + b"x" * 10_000 + b'"]}',
        ]
    )
)
paths = st.sampled_from(["/Users", "/Groups", "/Users/.search", "/Groups/.search", "/.search",
                         "/Schemas", "/ServiceProviderConfig", "/ResourceTypes/User", "/Bulk"]) | \
    st.builds(lambda kind, ident: f"/{kind}/{ident}", st.sampled_from(["Users", "Groups"]),
              url_text)
queries = st.dictionaries(st.sampled_from(["startIndex", "count", "filter", "attributes",
                                           "excludedAttributes"]), url_text, max_size=3)


@pytest.fixture
def scim_app(db_url, world):
    """The app with SCIM switched on."""
    application = make_app(db_url, SCIM_TOKEN=SECRET)
    yield application
    application.extensions["verbeterbord.db"].dispose()


@given(method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]), path=paths,
       query=queries, body=bodies, content_type=st.sampled_from(CONTENT_TYPES))
@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_scim_answers_every_generated_request(scim_app, method, path, query, body, content_type):
    """No server error, and every answer is SCIM's (its media type, an Error body for 4xx)."""
    headers = dict(AUTH)
    if content_type:
        headers["Content-Type"] = content_type
    response = scim_app.test_client().open(
        "/scim/v2" + path.replace("?", "%3F").replace("#", "%23"), method=method,
        query_string=query, data=_raw(body), headers=headers)
    assert response.status_code < 500, (method, path, query, body, response.get_data()[:300])
    if response.status_code != 204:
        assert response.mimetype == "application/scim+json", response.mimetype
        answer = response.get_json()
        if response.status_code >= 400:
            assert "urn:ietf:params:scim:api:messages:2.0:Error" in answer["schemas"]


@pytest.mark.parametrize("digit", ["١", "²", "１", "١١", "߁"])
def test_other_scripts_digits_name_no_user(scim_app, db, world, digit):
    """`GET /Users/١` returned user 1 and `DELETE` on it disabled the only admin."""
    from boards.models import Person
    client = scim_app.test_client()
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        response = client.open(f"/scim/v2/Users/{digit}", method=method, headers=AUTH,
                               json={"schemas": [PATCH_SCHEMA], "Operations": []})
        assert response.status_code == 404, (method, response.status_code)
        assert client.open(f"/scim/v2/Groups/{digit}", method=method, headers=AUTH,
                           json={}).status_code == 404
    with db.reader() as session:
        assert session.get(Person, world.admin).active


@pytest.mark.parametrize("value", ["²", "١", str(2**64), "9" * 5000, "-5", "x"])
def test_paging_numbers_from_other_scripts_are_ignored(scim_app, world, value):
    """startIndex and count that are not ASCII numbers fall back to their defaults."""
    response = scim_app.test_client().get(
        "/scim/v2/Users", query_string={"startIndex": value, "count": value}, headers=AUTH)
    assert response.status_code == 200
    assert response.get_json()["totalResults"] == 4


@pytest.mark.parametrize("member", ["١", "²", str(2**64), "-1", "1\n"])
def test_group_members_from_other_scripts_are_refused(scim_app, world, member):
    """A member id that is not an ASCII number is refused (400), not read as a person."""
    response = scim_app.test_client().post("/scim/v2/Groups", headers=AUTH, json={
        "schemas": [GROUP_SCHEMA], "displayName": "Team Één", "members": [{"value": member}]})
    assert response.status_code == 400, response.get_json()
