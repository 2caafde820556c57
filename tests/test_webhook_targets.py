"""Webhook targets must be public addresses, at registration and at every delivery.

Name lookups go through resolvers the tests give (they answer from a table and never connect);
the only traffic sent is to a receiver on 127.0.0.1.
"""

import pytest
from sqlmodel import select

from boards.errors import Invalid
from boards.models import Outbox
from boards.unit_of_work import unit_of_work
from boards.webhook_targets import check_target

from .conftest import TEST_PUBLIC_ADDRESS, Api, make_app
from .factories import PASSWORD
from .notify_helpers import Receiver

SECRET = "een-lang-geheim-van-ons"

REFUSED = [
    "http://127.0.0.1/in", "http://localhost/in", "http://[::1]/in", "http://0x7f000001/in",
    "http://2130706433/in", "http://127.1/in", "http://0177.0.0.1/in", "http://0x7f.1/in",
    "http://[::ffff:127.0.0.1]/in", "http://[::ffff:7f00:1]/in", "http://[0:0:0:0:0:0:0:1]/in",
    "http://10.0.0.5/in", "http://172.16.0.1/in", "http://192.168.1.1/in",
    "http://169.254.169.254/latest", "http://[fe80::1]/in", "http://[fc00::1]/in",
    "http://100.64.0.1/in", "http://224.0.0.1/in", "http://[ff02::1]/in",
    "http://0.0.0.0/in", "http://0/in", "http://[::]/in", "http://240.0.0.1/in",
    "http://255.255.255.255/in", "http://192.0.2.1/in", "http://[2002:7f00:1::1]/in",
    "http://[::ffff:10.0.0.1]/in", "https://internal.example/in", "https://mixed.example/in",
]


class TableResolver:
    """Answers from a table and records what it was asked; never connects anywhere."""

    def __init__(self, table):
        self.table, self.asked = dict(table), []

    def __call__(self, host, port):
        self.asked.append((host, port))
        return list(self.table.get(host, []))


def _resolver():
    return TableResolver({"localhost": ["127.0.0.1", "::1"],
                          "internal.example": ["10.1.2.3"],
                          # a name with one public and one internal address: refused
                          "mixed.example": [TEST_PUBLIC_ADDRESS, "192.168.0.10"],
                          "hooks.example.nl": [TEST_PUBLIC_ADDRESS, "2001:4860::1"]})


@pytest.mark.parametrize("url", REFUSED)
def test_internal_targets_are_refused_in_any_spelling(url):
    """Loopback, private, link-local, shared, multicast, reserved and unspecified addresses,
    IPv4 and IPv6, mapped and 6to4, decimal, hex, octal and short forms: all refused."""
    resolver = _resolver()
    with pytest.raises(Invalid) as refused:
        check_target(url, resolver)
    assert refused.value.field == "url"
    literal = url.split("//")[1].split("/")[0].split(".")[-1] not in ("example",) \
        and "localhost" not in url
    if literal:
        assert resolver.asked == []  # an address written as a number is never looked up


def test_public_target_is_kept_with_the_addresses_to_connect_to():
    """A name that resolves only to public addresses passes; its addresses are the ones a
    delivery connects to."""
    target = check_target("https://hooks.example.nl:8443/in?team=wonen", _resolver())
    assert (target.scheme, target.host, target.port, target.path) == \
        ("https", "hooks.example.nl", 8443, "/in?team=wonen")
    assert target.addresses == (TEST_PUBLIC_ADDRESS, "2001:4860::1")


def test_unknown_names_are_refused_and_private_targets_allowed_by_the_setting():
    """A name that resolves to nothing is refused; allow_private lets loopback through."""
    with pytest.raises(Invalid):
        check_target("https://nowhere.invalid/in", _resolver())
    assert check_target("http://localhost:8080/in", _resolver(), allow_private=True).addresses \
        == ("127.0.0.1", "::1")
    assert check_target("http://2130706433/", _resolver(), allow_private=True).addresses \
        == ("127.0.0.1",)


def _admin(client, email="admin@test.example"):
    return Api(client, client.post("/api/v1/tokens", json={
        "email": email, "password": PASSWORD}).get_json()["token"])


def test_api_and_admin_page_refuse_internal_targets(db_url, world):
    """POST /api/v1/webhooks answers 422 (field url) for an internal target; the admin form
    says so and adds nothing; a public one is added."""
    app = make_app(db_url)
    client = app.test_client()
    admin = _admin(client)
    for url in ("http://127.0.0.1:9/in", "http://2130706433/in", "http://[::1]/in",
                "http://localhost/in"):
        answer = admin.post("/webhooks", {"url": url, "secret": SECRET, "events": ["*"]})
        assert answer.status_code == 422, (url, answer.get_json())
        assert answer.get_json()["field"] == "url"
    assert admin.post("/webhooks", {"url": "https://hooks.example.nl/in", "secret": SECRET,
                                    "events": ["*"]}).status_code == 201
    assert [h["url"] for h in admin.get("/webhooks").get_json()["webhooks"]] == \
        ["https://hooks.example.nl/in"]
    app.extensions["verbeterbord.db"].dispose()


def _deliver_once(db_url, db, world, table, switch_to=None, **config):
    """Register a hook on receiver.example (resolved from `table`), optionally switch what the
    name resolves to, make a change and send; returns (receiver calls, webhook outbox rows)."""
    resolver = TableResolver(table)
    app = make_app(db_url, WEBHOOK_RESOLVER=resolver, OUTBOX_RETRY_SECONDS=60, **config)
    client = app.test_client()
    admin = _admin(client)
    with Receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        made = admin.post("/webhooks", {"url": f"http://receiver.example:{port}/hook",
                                        "secret": SECRET, "events": ["created"]})
        assert made.status_code == 201, made.get_json()
        if switch_to is not None:
            resolver.table["receiver.example"] = switch_to
        anna = _admin(client, "anna@test.example")
        assert anna.post(f"/teams/{world.wonen}/actions", {"title": "Haak"}).status_code == 201
        result = app.test_cli_runner().invoke(args=["send-notifications"])
        assert result.exit_code == 0, result.output
        calls = list(receiver.calls)
    with unit_of_work(db) as session:
        rows = session.exec(select(Outbox).where(Outbox.channel == "webhook")).all()
        rows = [(row.state, row.last_error) for row in rows]
    app.extensions["verbeterbord.db"].dispose()
    return calls, rows


def test_delivery_checks_the_target_again_and_refuses_a_rebound_name(db_url, db, world):
    """Public at registration, loopback at delivery (DNS rebinding): nothing is sent, and the
    outbox row says why (it is tried again later, checked again)."""
    calls, rows = _deliver_once(db_url, db, world, {"receiver.example": [TEST_PUBLIC_ADDRESS]},
                                switch_to=["127.0.0.1"])
    assert calls == []
    assert len(rows) == 1 and rows[0][0] == "pending" and "refused target" in rows[0][1]


def test_delivery_connects_to_the_checked_address_with_the_host_name(db_url, db, world):
    """With private targets allowed, a name resolved to 127.0.0.1 is delivered to that address
    (no second lookup between check and connect), naming the host in the Host header."""
    calls, rows = _deliver_once(db_url, db, world, {"receiver.example": ["127.0.0.1"]},
                                WEBHOOK_ALLOW_PRIVATE_TARGETS=True)
    assert len(calls) == 1 and rows == [("sent", "")]
    headers, _body = calls[0]
    assert headers["Host"].startswith("receiver.example:")
