"""Abuse benchmark: one socket floods and 100 people log in at once; do the others keep working?

    .venv/bin/python bench/abuse.py [--clients 50] [--moves 40] [--logins 100] [--json FILE]

The app runs as in production (gunicorn -k eventlet -w 1, argon2's production parameters) on a
fresh migrated SQLite file with the test world and 30 cards on board "wonen". N viewers
(python-socketio AsyncClients in their own processes, bench/clients.py) watch the board; one mover
moves cards one at a time and a sample is the time from its emit until every viewer has the new
version. /healthz is polled every 20 ms from another process.

1. quiet: --moves moves, and /healthz, with nothing else going on.
2. abuse: moves for --abuse-seconds while (a) one socket (carla's token, its own process,
   tests/flooder.py) sends --flood-rate moves a second (2,000: the attack in issue 11) and
   connects again each time the server cuts it off, and (b) --logins
   logins through the login form (CSRF included, right passwords, a thread each in another process)
   are released at the same moment. Password checks are queued (PASSWORD_HASH_THREADS at a
   time), so the queue stays full for the whole phase on a small machine; the wave's total time
   is reported (it may end after the measured phase).

Targets (issue 11): under abuse, viewers' p95 ≤ 3× the quiet p95 and /healthz p95 < 100 ms.
Prints a table; writes nothing but the optional --json file.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import AsyncExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.clients import Fleet  # noqa: E402
from bench.harness import ROOT, Server, cpu_seconds, machine, percentile, revision  # noqa: E402
from bench.realtime import next_column, seed  # noqa: E402
from tests.live import api_token  # noqa: E402

PEOPLE = ("anna", "bert", "carla", "admin")
CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def _poll_health(conn, url, interval):
    """Child process: GET /healthz every `interval` s until told to stop; send the latencies."""
    import requests
    http, samples = requests.Session(), []
    while not conn.poll(0):
        started = time.perf_counter()
        try:
            http.get(f"{url}/healthz", timeout=10)
            samples.append((time.perf_counter() - started) * 1000)
        except requests.RequestException:
            samples.append(10_000.0)
        time.sleep(interval)
    conn.send(samples)


def _login_wave(conn, url, count, password):
    """Child process: prepare `count` sessions (login form + CSRF); on "go" post all their logins
    at the same moment; send back [(statuses, seconds)]."""
    import requests
    forms = []
    for i in range(count):
        http = requests.Session()
        token = CSRF_RE.search(http.get(f"{url}/login", timeout=30).text).group(1)
        forms.append((http, {"email": f"{PEOPLE[i % len(PEOPLE)]}@test.example",
                             "password": password, "csrf_token": token}))
    conn.send("ready")
    if conn.recv() != "go":
        return
    waves = []
    for _wave in range(1):
        gate, statuses = threading.Barrier(count), []

        def log_in(http, data):
            gate.wait()
            try:
                statuses.append(http.post(f"{url}/login", data=data, allow_redirects=False,
                                          timeout=120).status_code)
            except requests.RequestException:
                statuses.append(0)

        started = time.perf_counter()
        threads = [threading.Thread(target=log_in, args=form) for form in forms]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        waves.append((statuses, time.perf_counter() - started))
    conn.send(waves)


async def moves(fleet, cards, count, gap, offset, seconds=0.0):
    """Move `count` cards in turn (and go on until `seconds` have passed); latencies in ms."""
    samples, until, i = [], time.monotonic() + seconds, 0
    while i < count or time.monotonic() < until:
        card = cards[(offset + i) % len(cards)]
        samples.append(await fleet.move(card, next_column(card)))
        await asyncio.sleep(gap)
        i += 1
    return samples


def stats(samples):
    return {"n": len(samples), **{f"p{p}": round(percentile(samples, p), 1) for p in (50, 95, 99)},
            "max": round(max(samples), 1)}


async def run(args, folder):
    from tests.factories import PASSWORD

    from tests.databases import sqlite_url

    url, world, cards = seed(sqlite_url(folder), args.cards)
    context = multiprocessing.get_context("spawn")
    with Server("app.wsgi:app", env={"DATABASE_URL": url}, log_path=folder / "app.log") as app:
        tokens = [api_token(app.url, f"{name}@test.example", PASSWORD) for name in ("anna", "bert")]
        flood_token = api_token(app.url, "carla@test.example", PASSWORD)
        logins_conn, theirs = context.Pipe()
        login_process = context.Process(target=_login_wave, daemon=True,
                                        args=(theirs, app.url, args.logins, PASSWORD))
        login_process.start()
        if logins_conn.recv() != "ready":
            raise RuntimeError("login process failed")
        async with AsyncExitStack() as stack:
            fleet = await stack.enter_async_context(
                Fleet(app.url, tokens, args.clients, "wonen", args.client_procs))
            await moves(fleet, cards, 10, args.gap, 0)  # warm-up

            async def phase(offset, abuse):
                health_conn, theirs = context.Pipe()
                poller = context.Process(target=_poll_health, daemon=True,
                                         args=(theirs, app.url, 0.02))
                poller.start()
                await asyncio.sleep(1.5)  # the poller process is up and polling
                flooder, waves = None, []
                if abuse:
                    flooder = subprocess.Popen(
                        [sys.executable, "-m", "tests.flooder", app.url, flood_token,
                         world.wonen, str(cards[0]["id"]), "5000", str(args.abuse_seconds),
                         str(args.flood_rate)],
                        cwd=ROOT, stdout=subprocess.PIPE, text=True)
                    await asyncio.sleep(0.5)  # the flood is under way
                    logins_conn.send("go")
                server_cpu, started = app.cpu_seconds(), time.monotonic()
                samples = await moves(fleet, cards, args.moves, args.gap, offset,
                                      args.abuse_seconds - 1 if abuse else 0)
                elapsed = time.monotonic() - started
                load = {"seconds": round(elapsed, 1),
                        "server_cpu_share": round((app.cpu_seconds() - server_cpu) / elapsed, 2)}
                if abuse and flooder.poll() is None:
                    load["flooder_cpu_seconds"] = round(cpu_seconds(flooder.pid), 1)
                health_conn.send("stop")
                health = await asyncio.to_thread(health_conn.recv)
                poller.join(10)
                flood = None
                if abuse:
                    flood = json.loads((await asyncio.to_thread(flooder.communicate, None,
                                                                args.abuse_seconds + 60))[0])
                    waves = await asyncio.to_thread(logins_conn.recv)
                return samples, health, flood, waves, load

            quiet, quiet_health, _flood, _waves, quiet_load = await phase(100, abuse=False)
            busy, busy_health, flood, waves, busy_load = await phase(200, abuse=True)
        login_process.join(10)
    return {"quiet": stats(quiet), "quiet_healthz": stats(quiet_health),
            "abuse": stats(busy), "abuse_healthz": stats(busy_health), "flood": flood,
            "quiet_load": quiet_load, "abuse_load": busy_load,
            "login_waves": [{"logins": len(s), "ok": sum(1 for c in s if c == 302),
                             "seconds": round(t, 2)} for s, t in waves]}


def report(result, args):
    info = dict(machine(), loadavg_1m_at_start=args.load_at_start)
    ratio = round(result["abuse"]["p95"] / result["quiet"]["p95"], 2)
    targets = {"viewers' p95 under abuse <= 3x quiet": ratio <= 3,
               "/healthz p95 under abuse < 100 ms": result["abuse_healthz"]["p95"] < 100}
    print(f"Abuse: {args.clients} viewers, one flooding socket, {args.logins} logins at once; "
          f"{info['nproc']} x {info['cpu']}, Python {info['python']}, "
          f"load {info['loadavg_1m_at_start']:.2f} at start, {revision()}")
    print(f"{'measure (ms)':<26}{'n':>6}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}")
    for name, key in (("move -> 50 viewers, quiet", "quiet"), ("/healthz, quiet", "quiet_healthz"),
                      ("move -> 50 viewers, abuse", "abuse"), ("/healthz, abuse", "abuse_healthz")):
        r = result[key]
        print(f"{name.replace('50', str(args.clients)):<26}{r['n']:>6}{r['p50']:>8.1f}"
              f"{r['p95']:>8.1f}{r['p99']:>8.1f}{r['max']:>8.1f}")
    print(f"ratio abuse/quiet p95: {ratio:.2f}")
    print(f"flood: {result['flood']}")
    print(f"server worker CPU share (1.0 = one core), quiet: {result['quiet_load']}, "
          f"abuse: {result['abuse_load']}")
    print(f"login waves: {result['login_waves']}")
    for target, ok in targets.items():
        print(f"target {target}: {'met' if ok else 'MISSED'}")
    return {"date": time.strftime("%Y-%m-%d %H:%M:%S%z"), "revision": revision(), "machine": info,
            "command": " ".join(sys.argv), **result, "ratio": ratio, "targets": targets}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="viewers (default 50)")
    parser.add_argument("--moves", type=int, default=40, help="measured moves per phase")
    parser.add_argument("--logins", type=int, default=100, help="logins at once (default 100)")
    parser.add_argument("--cards", type=int, default=30)
    parser.add_argument("--gap", type=float, default=0.05, help="pause between moves, s")
    parser.add_argument("--abuse-seconds", type=float, default=15.0,
                        help="how long the abuse phase measures and the flooder keeps at it")
    parser.add_argument("--flood-rate", type=float, default=2000,
                        help="events a second the flooding socket sends (0: as fast as it "
                             "can; default 2000, the attack in issue 11)")
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (db, logs)")
    args = parser.parse_args()
    args.load_at_start = os.getloadavg()[0]
    if args.load_at_start > 0.5:
        print(f"warning: load average {args.load_at_start:.2f}; other work skews the figures",
              file=sys.stderr)
    folder = Path(tempfile.mkdtemp(prefix="bench-abuse-"))
    try:
        result = asyncio.run(run(args, folder))
    except BaseException:
        print(f"failed; database and server logs kept in {folder}", file=sys.stderr)
        raise
    outcome = report(result, args)
    if args.json:
        Path(args.json).write_text(json.dumps(outcome, indent=2, ensure_ascii=False) + "\n")
    if args.keep:
        print(f"kept {folder}", file=sys.stderr)
    else:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
