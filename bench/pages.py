"""Page benchmark: server time of the boards, /me and /overview, measured in-process.

    .venv/bin/python bench/pages.py [--postgres] [--runs 30] [--big-runs 10] [--gc-freeze]
        [--profile DIR]

Builds a large city on a fresh migrated SQLite file (with --postgres also in a fresh schema on
127.0.0.1:5432/test): 5 ambitions, 10 long- and 30 short-term goals, 43 teams of 27 (~1200 people)
with 30 cards each this cycle and 5 closed cycles of history, and Eva, in several teams with cards
of her own. /overview and /me are measured on that; then boards of 200 and 4000 cards are added and
measured, with the board's JSON and /overview again. A figure is the wall time (and this thread's
CPU time) of Flask's test client around one GET in this process, no network: warm-up, then --runs
samples. SQL = statements per request on the app's engines. Baselines (a bare Flask route, the
app's /healthz) run in the same process, so figures compare as ratios. --gc-freeze does
gc.collect(); gc.freeze() once the app is built (as a worker could after start-up).
Targets (shared/DESIGN.md and the issue): board of 200 p95 ≤ 50 ms (goal 25), board of 4000
< 500 ms (goal 350), /overview 43 teams × 30 ≤ 150 ms, ≤ ~1.3 KB HTML per card, SQL constant.
"""

import argparse
import cProfile
import gc
import pstats
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from functools import partial
from pathlib import Path

from boards.unit_of_work import unit_of_work

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from sqlalchemy import event, func, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from bench.harness import machine, percentile  # noqa: E402
from boards import actions, catalog, people  # noqa: E402
from boards.cycles import cycle_of, organisation  # noqa: E402
from boards.db import Database  # noqa: E402
from boards.models import STATUSES, Action, Person, Team  # noqa: E402
from boards.ordering import spread_keys  # noqa: E402
from tests.databases import PostgresSchema, sqlite_url  # noqa: E402

PASSWORD = "correct horse battery"
TEAMS, TEAM_SIZE, CARDS_PER_TEAM, PAST_CYCLES = 43, 27, 30, 5
VERBS = ("Afspraken maken over", "Inventariseren van", "Terugkoppelen over", "Plan opstellen voor",
         "Overleg plannen over", "Knelpunten in kaart brengen bij", "Evalueren van", "Afronden van")
THINGS = ("de wachtlijst huurtoeslag", "terugbelverzoeken van het KCC", "de klantreis vergunningen",
          "het inwerken van nieuwe collega's", "de aanvragen bijzondere bijstand",
          "het beheer van de openbare ruimte", "signalen uit de wijkteams", "de WOZ-bezwaren",
          "de samenwerking met de woningcorporatie", "de meldingen openbare ruimte")
FIRST = ("Anna", "Bert", "Carla", "Daan", "Eline", "Fatma", "Gert", "Ivo",
         "Kees", "Noor", "Petra", "Yara")
LAST = ("de Jong", "Jansen", "de Vries", "Bakker", "Visser", "Smit", "Çelik",
        "Yılmaz", "de Boer", "Bos")
STATUS_WEIGHTS = {"current": (0.35, 0.25, 0.40), "past": (0.10, 0.05, 0.85)}


def build_city(db, rng):
    """Organisation, goals, 43 teams with ~1200 people and their cards; Eva with cards in 3
    teams."""
    monday = date.today() - timedelta(days=date.today().weekday())
    with unit_of_work(db) as s:  # today falls in the 2nd week of cycle PAST_CYCLES + 1
        catalog.setup_organisation(
            s,
            name="Werkorganisatie Grote Stad",
            municipalities=["Grote Stad"],
            first_cycle_start=monday - timedelta(days=14 * PAST_CYCLES + 7),
        )
        admin = people.create_person(s, name="Ada Admin", email="admin@bench.example",
                                     password=PASSWORD, is_admin=True).id
        eva = people.create_person(s, name="Eva Ëlsen", email="eva@bench.example",
                                   password=PASSWORD).id
        org = organisation(s)
        cycles = [cycle_of(org, n) for n in range(1, PAST_CYCLES + 3)]
        ambitions, short = build_goals(s, admin, rng)
        teams = []
        for t in range(TEAMS):
            chosen = rng.sample(ambitions, 2)
            team = catalog.create_team(
                s, admin, name=f"Team {t + 1:02d} {THINGS[t % 10].split()[-1]}", ambition_ids=chosen
            )
            members = [person(s, rng, f"t{t}m{i}") for i in range(TEAM_SIZE - (t < 3))]
            members += [eva] if t < 3 else []
            for member in members:
                catalog.add_member(s, admin, team.id, member, delegate=member == members[0])
            teams.append((team, members, [g for a in chosen for g in short[a]]))
        for team, members, goals in teams:  # a card serves a goal of its team's ambitions
            owners = [m for m in members if m != eva]
            for cycle in cycles[:PAST_CYCLES]:
                bulk_actions(s, team.id, cycle, owners, goals, CARDS_PER_TEAM, rng, "past")
            mine = 3 if eva in members else 0
            bulk_actions(s, team.id, cycles[PAST_CYCLES], owners, goals, CARDS_PER_TEAM - mine, rng,
                         "current")
        s.commit()
        for team, _members, goals in teams[:3]:
            eva_cards(s, eva, team.slug, goals, rng)
    return {"admin": admin, "eva": eva, "short": short, "ambitions": ambitions,
            "cycle": cycles[PAST_CYCLES]}


def build_goals(s, admin, rng):
    """5 ambitions, each with 2 long-term goals of 3 short-term ones: (ambition ids, short ids
    by ambition)."""
    ambitions, short = [], {}
    for a in range(5):
        amb = catalog.create_ambition(s, admin, title=f"Ambitie {a + 1}: {THINGS[a]}", order=a,
                                      colour=f"#{rng.randrange(0x1000000):06x}").id
        ambitions.append(amb)
        for g in range(2):
            long = catalog.create_goal(s, admin, ambition_id=amb, horizon="long",
                                       title=f"Lange termijn {a + 1}.{g + 1}: {title(rng)}").id
            short.setdefault(amb, []).extend(
                catalog.create_goal(s, admin, ambition_id=amb, horizon="short", parent_id=long,
                                    title=f"Kort {a + 1}.{g + 1}.{k + 1}: {title(rng)}").id
                for k in range(3))
    return ambitions, short


def build_big_boards(db, rng, city):
    """Team "groot" (200 cards, 12 people) and team "reus" (4000 cards, 30 people), Eva in both."""
    with unit_of_work(db) as s:
        for name, size, cards, mine in (("Groot", 12, 200, 3), ("Reus", 30, 4000, 0)):
            team = catalog.create_team(
                s, city["admin"], name=name, ambition_ids=city["ambitions"][:2]
            )
            members = [person(s, rng, f"{name}{i}") for i in range(size - 1)]
            for member in members + [city["eva"]]:
                catalog.add_member(s, city["admin"], team.id, member)
            goals = [g for a in city["ambitions"][:2] for g in city["short"][a]]
            bulk_actions(s, team.id, city["cycle"], members, goals, cards - mine, rng, "current")
            s.commit()
            if mine:
                eva_cards(s, city["eva"], team.slug, goals, rng, next_cycle=False)


def eva_cards(s, eva, slug, short, rng, next_cycle=True):
    """Eva's own cards, through the service: 3 this cycle (one per column), 1 next cycle."""
    for status in STATUSES:
        actions.create_action(
            s,
            eva,
            slug,
            title=title(rng),
            goal_id=rng.choice(short),
            status=status,
            due_date=date.today() + timedelta(days=rng.randint(-3, 6)),
        )
    if next_cycle:
        actions.create_action(s, eva, slug, title=title(rng), cycle_number=PAST_CYCLES + 2)


def title(rng):
    """A card title as a Dutch municipal team writes one."""
    return f"{rng.choice(VERBS)} {rng.choice(THINGS)}"


def person(s, rng, n):
    """A new employee (no password: only Eva and the admin log in); their id."""
    return people.create_person(s, name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                                email=f"p{n}@bench.example").id


def bulk_actions(s, team_id, cycle, owners, goals, count, rng, kind):
    """Volume data, bulk-inserted: one INSERT ... VALUES batch instead of `count` service calls
    (building ~12,000 cards one create_action at a time takes minutes). No Event rows are written
    (none of the measured pages reads them); positions are spread_keys, as a rebalanced column
    has."""
    statuses = rng.choices(STATUSES, weights=STATUS_WEIGHTS[kind], k=count)
    start = datetime.combine(cycle.start, datetime.min.time(), tzinfo=timezone.utc)
    rows = []
    for status in STATUSES:
        for key in spread_keys(statuses.count(status)):
            help_ = kind == "current" and status != "done" and rng.random() < 0.03
            due = cycle.start + timedelta(days=rng.randrange(14)) if rng.random() < 0.5 else None
            rows.append(
                dict(
                    title=title(rng),
                    owner_id=rng.choice(owners),
                    team_id=team_id,
                    cycle_number=cycle.number,
                    notes=" ".join(rng.choices(THINGS, k=rng.randint(5, 25)))
                    if rng.random() < 0.3
                    else "",
                    goal_id=rng.choice(goals) if rng.random() < 0.9 else None,
                    status=status,
                    position=key,
                    needs_help=help_,
                    help_reason="Wacht op akkoord manager" if help_ else "",
                    help_since=start + timedelta(hours=rng.randrange(200)) if help_ else None,
                    due_date=due,
                    version=rng.randint(1, 4),
                    created_at=start,
                    updated_at=start,
                )
            )
    if rows:
        s.execute(insert(Action), rows)


def measure(client, statements, label, path, runs, warmup=5, headers=None, target=None, cards=False,
            before=None):
    """Warm-up, then `runs` timed GETs: wall and CPU ms (p50/p95), bytes, cards, SQL per request.
    `before` runs (untimed) before each GET."""
    for _ in range(warmup):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
    wall, cpu, counts = [], [], set()
    for _ in range(runs):
        if before:
            before()
        statements.clear()
        start, start_cpu = time.perf_counter(), time.thread_time()
        response = client.get(path, headers=headers)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        counts.add(len(statements))
    body = response.get_data()  # the last response: its size and cards
    return {
        "label": label,
        "path": path,
        "p50": percentile(wall, 50),
        "p95": percentile(wall, 95),
        "cpu": percentile(cpu, 50),
        "cpu95": percentile(cpu, 95),
        "bytes": len(body),
        "target": target,
        "cards": cards and (body.count(b'<article id="action-') or body.count(b'"position":')),
        "sql": "/".join(map(str, sorted(counts))),
    }


def interleaved(client, statements, specs, runs, warmup=5):
    """The pages of `specs` [(label, path, headers)] asked for in turn, `runs` rounds: a busy
    moment on the machine hits each alike, so their ratio holds where separate stretches
    (measure) drift. Rows as measure gives them."""
    samples = {label: ([], [], set()) for label, _path, _headers in specs}
    for round_ in range(warmup + runs):
        for label, path, headers in specs:
            statements.clear()
            start, start_cpu = time.perf_counter(), time.thread_time()
            response = client.get(path, headers=headers)
            cpu, wall = (
                (time.thread_time() - start_cpu) * 1000,
                (time.perf_counter() - start) * 1000,
            )
            assert response.status_code == 200, (path, response.status_code)
            if round_ >= warmup:
                walls, cpus, counts = samples[label]
                walls.append(wall), cpus.append(cpu), counts.add(len(statements))
    return [{"label": label, "path": path, "p50": percentile(walls, 50),
             "p95": percentile(walls, 95), "cpu": percentile(cpus, 50),
             "cpu95": percentile(cpus, 95), "bytes": 0, "target": None, "cards": False,
             "sql": "/".join(map(str, sorted(counts)))}
            for (label, path, _headers), (walls, cpus, counts) in
            ((spec, samples[spec[0]]) for spec in specs)]


def app_client(url, args):
    """The app on `url` as a test client logged in as Eva, and the list that counts its SQL."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret",
                      "PUBLIC_URL": "http://127.0.0.1:8000", "WTF_CSRF_ENABLED": False,
                      "SOCKETIO_ASYNC_MODE": "threading"})
    statements, app_db = [], app.extensions["verbeterbord.db"]  # one item per SQL statement
    for engine in {app_db.read_engine, app_db.write_engine}:  # the same engine on PostgreSQL
        event.listen(engine, "before_cursor_execute", lambda *_args: statements.append(1))
    if args.gc_freeze:  # the app's objects out of the collector's way: no 50-100 ms full passes
        gc.collect()
        gc.freeze()
    client = app.test_client()
    assert (
        client.post("/login", data={"email": "eva@bench.example", "password": PASSWORD}).status_code
        == 302
    )
    return client, statements, app_db


def run(url, label, args):
    """Build, measure, return the rows (and profile into args.profile)."""
    rng, db, started = random.Random(2024), Database(url), time.perf_counter()
    city = build_city(db, rng)
    built = time.perf_counter() - started
    client, statements, app_db = app_client(url, args)
    bare = Flask("bare")  # the floor of Flask + the test client
    bare.add_url_rule("/", "index", lambda: "<!doctype html><title>ok</title><p>Hallo</p>" * 5)
    bare, page = (
        partial(measure, bare.test_client(), statements),
        partial(measure, client, statements),
    )
    r = args.runs
    rows = [
        bare("bare Flask GET / (baseline)", "/", r),
        page("app GET /healthz (baseline)", "/healthz", r),
        page(f"/overview ({TEAMS} teams × {CARDS_PER_TEAM})", "/overview", r, target=(150, None)),
        page("/me (Eva: 3 teams, 9+3 cards)", "/me", r),
    ]
    started = time.perf_counter()
    build_big_boards(db, rng, city)
    built += time.perf_counter() - started
    with unit_of_work(db) as s:
        bearer = {"Authorization": f"Bearer {people.issue_token(s, city['eva'])}"}
        sizes = [s.scalar(select(func.count()).select_from(m)) for m in (Person, Team, Action)]
    print(
        f"[{label}] built %d people, %d teams, %d cards in {built:.1f} s" % tuple(sizes),
        file=sys.stderr,
    )
    kept = client.application.extensions.setdefault("verbeterbord.cards", {})  # app/card_cache.py
    rows += [
        page("/teams/groot (200 cards)", "/teams/groot", r, target=(50, 25), cards=True),
        page(
            "/teams/groot on the wire (br)",
            "/teams/groot",
            r,
            headers={"Accept-Encoding": "br, gzip"},
        ),
        page(
            "/teams/groot on the wire (gzip)",
            "/teams/groot",
            r,
            headers={"Accept-Encoding": "gzip"},
        ),
        page(
            "/teams/groot, cards not kept (cold)", "/teams/groot", r, cards=True, before=kept.clear
        ),
        page(
            "/teams/reus (4000 cards)",
            "/teams/reus",
            args.big_runs,
            2,
            target=(500, 300),
            cards=True,
        ),
        page(
            "/teams/reus, cards not kept (cold)",
            "/teams/reus",
            args.big_runs,
            2,
            cards=True,
            before=kept.clear,
        ),
        page(
            "/api/v1/teams/groot/board (JSON)",
            "/api/v1/teams/groot/board",
            r,
            headers=bearer,
            cards=True,
        ),
        *interleaved(
            client,
            statements,
            [
                ("/teams/groot, interleaved", "/teams/groot", None),
                ("JSON board, interleaved", "/api/v1/teams/groot/board", bearer),
            ],
            5 * r,
        ),
        page(f"/overview ({TEAMS + 2} teams, + 4200 cards)", "/overview", r),
        page("/me (Eva: 5 teams, 12+3 cards)", "/me", r),
        bare("bare Flask GET / (again)", "/", r),
    ]
    if args.profile:
        for path, runs, headers in (
            ("/teams/groot", 30, None),
            ("/api/v1/teams/groot/board", 30, bearer),
            ("/teams/reus", 5, None),
            ("/overview", 30, None),
        ):
            profile(
                client,
                path,
                runs,
                Path(args.profile) / f"{label}{path.replace('/', '_')}.prof",
                headers,
            )
    app_db.dispose()
    db.dispose()
    return [dict(row, db=label) for row in rows]


def profile(client, path, runs, out, headers=None):  # look at it with: python -m pstats FILE
    """cProfile `runs` GETs of path; the stats go to `out`, the top functions to stderr."""
    out.parent.mkdir(parents=True, exist_ok=True)
    prof = cProfile.Profile()
    prof.runcall(lambda: [client.get(path, headers=headers) for _ in range(runs)])
    prof.dump_stats(out)
    print(f"--- cProfile {path} × {runs} (tottime) → {out}", file=sys.stderr)
    pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(18)


def verdict(row):
    if not row["target"]:
        return ""
    (limit, goal), p95 = row["target"], row["p95"]
    text = f"{'met' if p95 <= limit else 'MISSED'} (p95 ≤ {limit} ms"
    text += f"; goal {goal}: {'met' if p95 <= goal else 'not yet'})" if goal else ")"
    cpu_ok = row["cpu95"] <= limit  # wall over, CPU under: the machine was busy, not this code
    return text + (" — CPU p95 within" if p95 > limit and cpu_ok else "")


def report(rows):
    """The table as Markdown (readable in a terminal too), then the per-card and SQL checks."""
    base = {r["db"]: r for r in rows if r["path"] == "/healthz"}
    print("| db | page | p50 ms | p95 ms | CPU p50/p95 ms | p50 ÷ /healthz | bytes | cards "
          "| B/card | SQL | target (wall p95) |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        per_card = f"{r['bytes'] / r['cards']:,.0f}" if r["cards"] else ""
        print(f"| {r['db']} | {r['label']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['cpu']:.1f}/"
              f"{r['cpu95']:.1f} | {r['p50'] / base[r['db']]['p50']:.1f} | {r['bytes']:,} | "
              f"{r['cards'] or ''} | {per_card} | {r['sql']} | {verdict(r)} |")
    for db in base:
        pages = {r["path"]: r for r in rows if r["db"] == db and "on the wire" not in r["label"]}
        small, big = pages["/teams/groot"], pages["/teams/reus"]
        marginal = (big["bytes"] - small["bytes"]) / (big["cards"] - small["cards"])
        sql = {r["sql"] for r in rows if r["db"] == db and r["path"] == "/overview"}
        wire = [
            r for r in rows if r["db"] == db and r["label"].startswith("/teams/groot on the wire")
        ]
        for r in wire:  # deliverable: a 200-card board page costs at most 20 KB to send
            print(f"\n{db}: {r['label']}: {r['bytes']:,} B of {small['bytes']:,} — "
                  f"{'met' if r['bytes'] <= 20_000 else 'MISSED'} (≤ 20 KB)")
        print(
            f"\n{db}: HTML per card {marginal:,.0f} B marginal (4000- vs 200-card board) — "
            f"{'met' if marginal <= 1300 else 'MISSED'} (≤ ~1.3 KB); SQL per board {small['sql']} "
            f"(200) vs {big['sql']} (4000), /overview {' vs '.join(sorted(sql))} — "
            f"{'constant' if small['sql'] == big['sql'] and len(sql) == 1 else 'NOT constant'}"
        )
        by_label = {r["label"]: r for r in rows if r["db"] == db}
        json_ = by_label["/api/v1/teams/groot/board (JSON)"]
        for label in ("/teams/groot (200 cards)", "/teams/groot, cards not kept (cold)"):
            html = by_label[label]
            ratio = (html["p50"] / json_["p50"], html["p95"] / json_["p95"])
            print(f"{db}: {label} ÷ JSON board, same run, measured one after the other: "
                  f"p50 {ratio[0]:.2f}, p95 {ratio[1]:.2f}")
        html, json_ = by_label["/teams/groot, interleaved"], by_label["JSON board, interleaved"]
        ratio = (html["p50"] / json_["p50"], html["p95"] / json_["p95"])
        print(
            f"{db}: /teams/groot ÷ JSON board, requests alternating: p50 {ratio[0]:.2f}, "
            f"p95 {ratio[1]:.2f} — {'met' if max(ratio) <= 1.3 else 'MISSED'} (≤ 1.3); "
            f"this thread's CPU p50 {html['cpu'] / json_['cpu']:.2f}, "
            f"p95 {html['cpu95'] / json_['cpu95']:.2f}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres", action="store_true", help="also on PostgreSQL 127.0.0.1:5432/test"
    )
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument(
        "--big-runs", type=int, default=10, help="for the 4000-card board (default 10)"
    )
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() after building the app"
    )
    parser.add_argument(
        "--profile", metavar="DIR", help="cProfile the boards and /overview into DIR"
    )
    args = parser.parse_args()
    info = machine()
    print(
        f"Pages: {info['nproc']} × {info['cpu']}, {info['ram_gib']} GiB, Python {info['python']}, "
        f"load {info['loadavg_1m']:.2f}; {date.today().isoformat()}; {' '.join(sys.argv[1:])}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
        rows = run(sqlite_url(Path(folder)), "SQLite", args)
    if args.postgres:
        with PostgresSchema() as schema:
            rows += run(schema.url, "PostgreSQL", args)
    report(rows)


if __name__ == "__main__":
    main()
