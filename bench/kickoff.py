"""City-wide kick-off: two server processes on PostgreSQL + Redis, 1,200 people on 43 boards.

    .venv/bin/python bench/kickoff.py [--open-seconds 60] [--moves 200] [--rate 5] [--json FILE]

Builds bench/pages.py's city (43 teams of ~27 people, 30 cards each this cycle, 5 closed cycles)
in a fresh schema of the test PostgreSQL, then starts two `gunicorn -k eventlet -w 1` processes
of the app on it, joined by the Redis message queue (a channel of this run's own). Every team
member is one person with a browser login (a login record and a signed session cookie, as the
login form would give); person i uses server i % 2, so each board's viewers are spread over both.

Phase 1, opening: within --open-seconds (default 60) every person, at a random moment, GETs
their board's page (the HTML, as a browser does) and then opens a websocket and joins the board.
Figures: page time and connect + join time (p50 / p95 / max), failures.

Phase 2, moves: --moves card moves (default 200) at --rate per second (default 5, so several are
in flight at once), each on another team's board, alternately through server A and server B, by
an admin's socket on that server. A sample is the time from the move's emit until the last of
that board's viewers (on both servers) has received the `action.moved` with the new version.
A move that any viewer misses within 10 s counts as missed. Figures: p50 / p95 / max, missed,
each worker's CPU per move.

Receivers are python-socketio AsyncClients in --client-procs processes (default 2), arrivals
stamped with time.perf_counter() (CLOCK_MONOTONIC, one clock for every process). Needs
PostgreSQL at 127.0.0.1:5432/test and Redis at redis://127.0.0.1:6379/0 (--redis). Prints the
figures; --json FILE also writes them.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

from boards.unit_of_work import unit_of_work

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import socketio  # noqa: E402

from bench.harness import Server, machine, percentile, revision  # noqa: E402

MISSED_AFTER = 10.0  # seconds a move may take before it counts as missed
CONNECTS_AT_ONCE = 50  # socket handshakes in flight per client process (phase 1 paces itself)


# --- the receiving side (runs in spawned processes) -------------------------------------------

async def _open_board(http, person, t0, stats):
    """One person opens their board: page, then socket + join. Returns the connected client."""
    await asyncio.sleep(max(0.0, t0 + person["at"] - time.perf_counter()))
    headers = {"Cookie": f"session={person['cookie']}"}
    started = time.perf_counter()
    try:
        async with http.get(f"{person['url']}/teams/{person['board']}", headers=headers) as page:
            body = await page.read()
            if page.status != 200 or b'id="columns"' not in body:
                raise RuntimeError(f"board page {page.status}")
        stats["page"].append((time.perf_counter() - started) * 1000)
        client = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        client.on("action.moved", person["on_changed"])
        client.on("action.changed", person["on_changed"])
        started = time.perf_counter()
        await client.connect(person["url"], transports=["websocket"], headers=headers,
                             wait_timeout=30)
        ack = await client.call("join", {"board": person["board"]}, timeout=30)
        if not isinstance(ack, dict) or ack.get("ok") is not True:
            raise RuntimeError(f"join refused: {ack}")
        stats["join"].append((time.perf_counter() - started) * 1000)
        return client
    except Exception as error:  # counted, not fatal: the figures say how many failed
        stats["failed"].append(repr(error)[:200])
        return None


async def _receivers(conn, people_, open_seconds, t0):
    """Open every person's board on schedule; then report each move all local viewers got."""
    import aiohttp

    viewers = {}  # board -> local viewers that joined
    seen = {}  # (action id, version) -> [count, last arrival]
    reported = set()
    stats = {"page": [], "join": [], "failed": []}

    def changed_handler(board):
        def on_changed(data):
            now = time.perf_counter()
            action = data.get("action") or {}
            key = (action.get("id"), action.get("version"))
            entry = seen.setdefault(key, [0, 0.0])
            entry[0] += 1
            entry[1] = now
            if entry[0] == viewers.get(board, 0) and key not in reported:
                reported.add(key)
                conn.send(("got", key, board, now))
        return on_changed

    for person in people_:
        person["on_changed"] = changed_handler(person["board"])
    connector = aiohttp.TCPConnector(limit=CONNECTS_AT_ONCE)
    async with aiohttp.ClientSession(connector=connector,
                                     cookie_jar=aiohttp.DummyCookieJar()) as http:
        clients = await asyncio.gather(*(_open_board(http, p, t0, stats) for p in people_))
    for person, client in zip(people_, clients, strict=True):
        if client is not None:
            viewers[person["board"]] = viewers.get(person["board"], 0) + 1
    stats["cpu"] = time.process_time()
    conn.send(("opened", stats, viewers))
    stop, loop = asyncio.Event(), asyncio.get_running_loop()
    loop.add_reader(conn.fileno(), stop.set)  # any word from the parent means stop
    await stop.wait()
    loop.remove_reader(conn.fileno())
    conn.recv()
    missing = {f"{k[0]}.{k[1]}": v[0] for k, v in seen.items() if k not in reported}
    dropped = sum(1 for c in clients if c is not None and not c.connected)
    conn.send(("missing", missing, dropped, time.process_time()))
    await asyncio.gather(*(c.disconnect() for c in clients if c), return_exceptions=True)


def _receiver_process(conn, people_, open_seconds, t0):
    try:
        asyncio.run(_receivers(conn, people_, open_seconds, t0))
    except BaseException as error:  # tell the parent instead of leaving it waiting
        conn.send(("error", repr(error)))


# --- setting up -------------------------------------------------------------------------------

def build(url, secret):
    """The city, a login (signed cookie) per team member, an admin token, the cards per board."""
    from sqlmodel import select

    from app import create_app
    from app.login_session import SEEN
    from bench.pages import build_city
    from boards import people
    from boards.db import Database
    from boards.models import Action, Membership, Person, Team

    db = Database(url)
    city = build_city(db, random.Random(2024))
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret, "SOCKETIO_ASYNC_MODE": "threading",
                      "PUBLIC_URL": "http://127.0.0.1"})
    signer = app.session_interface.get_signing_serializer(app)
    with unit_of_work(db) as s:
        members = s.exec(select(Membership.person_id, Team.slug, Person.session_epoch)
                         .join(Team, Team.id == Membership.team_id)
                         .join(Person, Person.id == Membership.person_id)
                         .order_by(Membership.person_id)).all()
        seen, persons = set(), []
        for person_id, slug, epoch in members:
            if person_id in seen:  # Eva is in three teams: she opens the first
                continue
            seen.add(person_id)
            key = people.start_login(s, person_id)
            cookie = signer.dumps({"_user_id": f"{person_id}.{epoch}", "_fresh": True,
                                   "login_key": key, SEEN: int(time.time())})
            persons.append({"id": person_id, "board": slug, "cookie": cookie})
        admin_token = people.issue_token(s, city["admin"])
        cards = {}
        for action_id, slug, status, version in s.exec(
                select(Action.id, Team.slug, Action.status, Action.version)
                .join(Team, Team.id == Action.team_id)
                .where(Action.cycle_number == city["cycle"].number).order_by(Action.id)):
            cards.setdefault(slug, []).append({"id": action_id, "status": status,
                                               "version": version})
    app.extensions["verbeterbord.db"].dispose()
    db.dispose()
    return persons, admin_token, cards


# --- the parent: moves and figures -----------------------------------------------------------

class Watch:
    """Reports from the receiver processes, and the moves waiting for them."""

    def __init__(self, workers):
        self.workers = workers
        self.waiting = {}  # key -> (board, processes left, future)
        self.expect = {}  # board -> processes with viewers of it
        self.errors = []

    def start(self, loop):
        for _process, conn in self.workers:
            loop.add_reader(conn.fileno(), self._on_report, conn)

    def stop(self, loop):
        for _process, conn in self.workers:
            loop.remove_reader(conn.fileno())

    def _on_report(self, conn):
        report = conn.recv()
        if report[0] == "error":
            self.errors.append(report[1])
            return
        _got, key, _board, when = report
        entry = self.waiting.get(tuple(key))
        if entry is None:
            return
        entry["left"] -= 1
        entry["last"] = max(entry["last"], when)
        if entry["left"] <= 0 and not entry["done"].done():
            entry["done"].set_result(entry["last"])

    async def move(self, mover, card, board):
        key = (card["id"], card["version"] + 1)
        done = asyncio.get_running_loop().create_future()
        self.waiting[key] = {"left": self.expect.get(board, 0), "last": 0.0, "done": done}
        status = {"todo": "doing", "doing": "done", "done": "todo"}[card["status"]]
        started = time.perf_counter()
        ack = await mover.call("move", {"action_id": card["id"], "status": status,
                                        "version": card["version"]}, timeout=30)
        if not ack.get("ok"):
            raise RuntimeError(f"move refused: {ack}")
        card.update(status=status, version=ack["action"]["version"])
        if self.waiting[key]["left"] <= 0 and not done.done():  # a board nobody watches
            done.set_result(time.perf_counter())
        try:
            last = await asyncio.wait_for(done, MISSED_AFTER)
        except asyncio.TimeoutError:
            return None
        finally:
            del self.waiting[key]
        return (last - started) * 1000


async def run_moves(servers, token, cards, watch, args):
    """--moves moves at --rate per second, boards round robin, servers alternating."""
    movers = []
    for server in servers:
        mover = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        await mover.connect(server.url, transports=["websocket"], auth={"token": token},
                            wait_timeout=30)
        movers.append(mover)
    boards = sorted(cards)
    order = [(boards[i % len(boards)], i // len(boards)) for i in range(args.moves)]
    cpu = [s.cpu_seconds() for s in servers]
    tasks = []
    for i, (board, nth) in enumerate(order):
        card = cards[board][nth % len(cards[board])]
        tasks.append(asyncio.create_task(watch.move(movers[i % 2], card, board)))
        await asyncio.sleep(1 / args.rate)
    samples = await asyncio.gather(*tasks)
    cpu = [s.cpu_seconds() - c for s, c in zip(servers, cpu, strict=True)]
    for mover in movers:
        await mover.disconnect()
    return samples, cpu


def stats(values):
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50": round(percentile(values, 50), 1),
            "p95": round(percentile(values, 95), 1), "max": round(max(values), 1)}


async def run(args, folder):
    from tests.databases import PostgresSchema

    secret = "live-test-secret"  # what harness.Server gives the app
    channel = f"kickoff-{uuid.uuid4().hex[:8]}"
    with ExitStack() as stack:
        url = stack.enter_context(PostgresSchema()).url
        started = time.perf_counter()
        persons, token, cards = build(url, secret)
        print(f"built the city: {len(persons)} people, {len(cards)} boards, "
              f"{sum(map(len, cards.values()))} cards this cycle, "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
        env = {"DATABASE_URL": url, "SOCKETIO_MESSAGE_QUEUE": args.redis,
               "SOCKETIO_CHANNEL": channel}
        if args.pool_size:
            env["DATABASE_POOL_SIZE"] = str(args.pool_size)
        servers = [stack.enter_context(Server("app.wsgi:app", env=env,
                                              log_path=folder / f"server-{n}.log"))
                   for n in "ab"]
        rng = random.Random(7)
        for i, person in enumerate(persons):
            person.update(url=servers[i % 2].url, at=rng.uniform(0, args.open_seconds))
        load_at_open = os.getloadavg()[0]
        context = multiprocessing.get_context("spawn")
        t0 = time.perf_counter() + 2  # the processes start meanwhile
        workers = []
        for n in range(args.client_procs):
            mine, theirs = context.Pipe()
            process = context.Process(target=_receiver_process, daemon=True, args=(
                theirs, persons[n::args.client_procs], args.open_seconds, t0))
            process.start()
            workers.append((process, mine))
        cpu_open = [s.cpu_seconds() for s in servers]
        loop = asyncio.get_running_loop()
        opened = {"page": [], "join": [], "failed": [], "cpu": 0.0}
        watch = Watch(workers)
        for _process, conn in workers:
            report = await loop.run_in_executor(None, conn.recv)
            if report[0] != "opened":
                raise RuntimeError(f"a receiver process failed: {report}")
            for name in opened:
                opened[name] += report[1][name]
            client_cpu_open = opened["cpu"]
            for board, count in report[2].items():
                watch.expect[board] = watch.expect.get(board, 0) + (count > 0)
        open_wall = time.perf_counter() - t0
        cpu_open = [s.cpu_seconds() - c for s, c in zip(servers, cpu_open, strict=True)]
        load_at_moves = os.getloadavg()[0]
        watch.start(loop)
        samples, cpu_moves = await run_moves(servers, token, cards, watch, args)
        watch.stop(loop)
        missing, dropped, client_cpu = {}, 0, 0.0
        for _process, conn in workers:
            conn.send("stop")
        for _process, conn in workers:
            report = await loop.run_in_executor(None, conn.recv)
            while report[0] == "got":  # late arrivals still in the pipe
                report = await loop.run_in_executor(None, conn.recv)
            if report[0] == "missing":
                missing.update(report[1])
                dropped += report[2]
                client_cpu += report[3]
        for process, _conn in workers:
            process.join(30)
            if process.is_alive():
                process.terminate()
    received = [s for s in samples if s is not None]
    return {
        "people": len(persons),
        "boards": len(cards),
        "servers": 2,
        "load_at_open": load_at_open,
        "load_at_moves": load_at_moves,
        "open": {
            "seconds": round(open_wall, 1),
            "page_ms": stats(opened["page"]),
            "connect_join_ms": stats(opened["join"]),
            "failed": len(opened["failed"]),
            "failures": sorted(set(opened["failed"]))[:5],
            "server_cpu_s": [round(c, 1) for c in cpu_open],
            "client_cpu_s": round(client_cpu_open, 1),
        },
        "moves": {
            "moves": len(samples),
            "rate_per_s": args.rate,
            "ms": stats(received),
            "missed": len(samples) - len(received),
            "partial_keys": len(missing),
            "sockets_dropped": dropped,
            "client_cpu_ms_per_move": round(
                1000 * (client_cpu - client_cpu_open) / len(samples), 1
            ),
            "server_cpu_ms_per_move": [round(1000 * c / len(samples), 1) for c in cpu_moves],
        },
        "errors": watch.errors,
    }


def report(result, args):
    info = machine()
    o, m = result["open"], result["moves"]
    print(f"Kick-off: {result['people']} people on {result['boards']} boards, 2 × gunicorn -k "
          f"eventlet -w 1, PostgreSQL + Redis; {info['nproc']} × {info['cpu']}, Python "
          f"{info['python']}, {revision()}")
    print(f"database pool per process: {args.pool_size or 'SQLAlchemy default (5 + 10)'}")
    print(f"load at start of opening {result['load_at_open']:.2f}, "
          f"of moves {result['load_at_moves']:.2f}")
    print(f"opening ({o['seconds']} s): board page p50 {o['page_ms'].get('p50')} / p95 "
          f"{o['page_ms'].get('p95')} / max {o['page_ms'].get('max')} ms ({o['page_ms']['n']}); "
          f"socket connect + join p50 {o['connect_join_ms'].get('p50')} / p95 "
          f"{o['connect_join_ms'].get('p95')} / max {o['connect_join_ms'].get('max')} ms; "
          f"failed {o['failed']}; server CPU {o['server_cpu_s']} s, clients {o['client_cpu_s']} s")
    if o["failures"]:
        print(f"  failures (first kinds): {o['failures']}")
    print(f"moves ({m['moves']} at {m['rate_per_s']}/s): seen by every viewer p50 "
          f"{m['ms'].get('p50')} / p95 {m['ms'].get('p95')} / max {m['ms'].get('max')} ms; "
          f"missed {m['missed']}; sockets dropped {m['sockets_dropped']}; server CPU per move "
          f"{m['server_cpu_ms_per_move']} ms, clients {m['client_cpu_ms_per_move']} ms")
    targets = {"every viewer sees every move": m["missed"] == 0 and o["failed"] == 0,
               "moves p95 <= 300 ms": m["ms"].get("p95", 1e9) <= 300,
               f"{result['people']} people open their board within "
               f"{args.open_seconds:.0f} s": o["failed"] == 0}
    for target, ok in targets.items():
        print(f"target {target}: {'met' if ok else 'MISSED'}")
    if result["errors"]:
        print(f"receiver errors: {result['errors'][:3]}")
    return {"date": time.strftime("%Y-%m-%d %H:%M:%S%z"), "revision": revision(), "machine": info,
            "command": " ".join(sys.argv), **result, "targets": targets}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open-seconds", type=float, default=60,
                        help="everyone opens their board within this many seconds (default 60)")
    parser.add_argument("--moves", type=int, default=200, help="moves (default 200)")
    parser.add_argument("--rate", type=float, default=5, help="moves per second (default 5)")
    parser.add_argument("--client-procs", type=int, default=2,
                        help="processes the 1,200 clients are spread over (default 2)")
    parser.add_argument("--redis", default=os.environ.get("TEST_REDIS_URL",
                                                          "redis://127.0.0.1:6379/0"))
    parser.add_argument("--pool-size", type=int, help="DATABASE_POOL_SIZE of the servers")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"warning: load average {load:.2f}; other work skews the figures", file=sys.stderr)
    folder = Path(tempfile.mkdtemp(prefix="bench-kickoff-"))
    result = asyncio.run(run(args, folder))
    outcome = report(result, args)
    if args.json:
        Path(args.json).write_text(json.dumps(outcome, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
