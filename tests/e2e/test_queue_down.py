"""The message queue (Redis) goes away: pages say live updates are delayed and still catch up."""

import subprocess
import time

import pytest
import redis
import requests
from playwright.sync_api import expect

from boards.db import Database
from boards.seed import seed_demo
from boards.unit_of_work import unit_of_work
from tests.live import LiveServer, api_token, free_port

from .conftest import BOARD, MOHAMED, PASSWORD, SANNE, SLUG, log_in
from .helpers import card

pytestmark = pytest.mark.browser

HEALTH_CHECK_MS = 25_000  # the page checks /healthz every 15 s


class RedisServer:
    """A private redis-server on a free port, to stop and start at will."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return self
            except redis.RedisError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def two_servers(tmp_path, sqlite_templates, chromium_path):
    """Servers A and B on one SQLite file, joined by a private Redis."""
    url = sqlite_templates.copy(tmp_path).url
    database = Database(url)
    with unit_of_work(database) as session:
        seed_demo(session, PASSWORD)
    database.dispose()
    queue = RedisServer().start()
    try:
        with LiveServer(url, message_queue=queue.url, log_path=tmp_path / "a.log") as a, \
                LiveServer(url, message_queue=queue.url, log_path=tmp_path / "b.log") as b:
            yield a, b, queue
    finally:
        queue.stop()


def test_queue_down_shows_delay_and_changes_still_arrive(browser, two_servers):
    """Redis stops: A's page says so; a card made on B still reaches it; Redis back: badge gone."""
    a, b, queue = two_servers
    context = browser.new_context(base_url=a.url)
    page = context.new_page()
    try:
        log_in(page, SANNE)
        page.goto(BOARD)
        connection = page.locator("#connection")
        expect(connection).to_have_attribute("data-state", "online", timeout=10_000)
        queue.stop()
        expect(connection).to_have_attribute("data-state", "delayed", timeout=HEALTH_CHECK_MS)
        expect(connection).to_be_visible()
        expect(connection).to_contain_text("vertraagd")
        token = api_token(b.url, MOHAMED, PASSWORD)
        made = requests.post(f"{b.url}/api/v1/teams/{SLUG}/actions", json={"title": "Via B"},
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert made.status_code == 201, made.text
        expect(card(page, made.json()["action"]["id"])).to_be_visible(timeout=HEALTH_CHECK_MS)
        queue.start()
        expect(connection).to_have_attribute("data-state", "online", timeout=HEALTH_CHECK_MS)
        expect(connection).to_be_hidden()
    finally:
        context.close()
