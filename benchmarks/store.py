"""Search latency at a million tasks, on SQLite and on PostgreSQL.

Generates synthetic but realistic tasks (seeded): bodies from the gazetteer
(ministries that merged in 2025 on documents before the merger, provincial
committees and departments), topics from the taxonomy with their keywords in
the clause, Vietnamese clauses with deadlines, review states, cluster copies
and change numbers. Loads them into a fresh store made by the store's own
migrations (``store.db.upgrade``) and body sync, with SQLAlchemy bulk
inserts in the store's tables (FTS5 triggers and the PostgreSQL GIN index
set aside for the load and rebuilt after it; ``--no-bulk`` keeps them up as
rows arrive), and times ten typical queries through the
store's own functions (``store.search.search_tasks``, ``changes_since``).

SQLite goes to a temporary file; PostgreSQL to a schema of its own in the
local database (``--pg``), dropped at the end. Each query runs ``--reps``
times with varied arguments after one warm-up; p50 and p95 are printed.

    .venv/bin/python benchmarks/store.py                     # 1,000,000 tasks, both databases
    .venv/bin/python benchmarks/store.py --tasks 50000 --no-pg

The last line of stdout is one JSON object with the results.
"""

from __future__ import annotations

import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/store.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import typer  # noqa: E402

from benchmarks import report  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TASKS_PER_DOC = 10
MERGER = date(2025, 3, 1)

VERBS = ["khẩn trương rà soát", "nghiên cứu, đề xuất", "chủ động hướng dẫn", "xây dựng", "hoàn thiện",
         "tổ chức thực hiện", "đẩy nhanh tiến độ", "kiểm tra, đôn đốc", "báo cáo Thủ tướng Chính phủ về",
         "tham mưu ban hành", "tập trung tháo gỡ khó khăn, vướng mắc về", "tăng cường kiểm tra, giám sát"]
OBJECTS = ["dự thảo Nghị định sửa đổi, bổ sung", "kế hoạch triển khai", "đề án", "các giải pháp",
           "cơ chế, chính sách", "hồ sơ, thủ tục", "phương án", "tiến độ thực hiện", "danh mục dự án"]
STATUSES = ["pending"] * 85 + ["accepted"] * 8 + ["edited"] * 4 + ["rejected"] * 3
SOURCES = ["chinhphu.vn", "baochinhphu.vn", "vpcp", "congbao", "moit.gov.vn", "mof.gov.vn", "quangtri.gov.vn",
           "yenbai.gov.vn", "hanoi.gov.vn", "tphcm.gov.vn", "danang.gov.vn", "nghean.gov.vn"]


@dataclass(slots=True)
class World:
    """What the generator draws from: body names, topics with keywords, successions."""

    central: list[str]  # in force now
    merged: list[str]  # ended in the 2025 reorganisation (have successors)
    local: list[str]  # provincial committees and departments
    topics: list[tuple[str, list[str]]]  # id, keywords (with diacritics)


def _world() -> World:
    from nlp.data import load_yaml
    from nlp.gazetteer import Gazetteer

    bodies = Gazetteer.default().bodies()
    central_types = {"ministry", "ministerial_agency", "government_agency", "state_bank", "government"}
    merged = [b.name for b in bodies if b.successors and b.type in central_types]
    central = [b.name for b in bodies if b.type in central_types and not b.valid_to]
    local = [b.name for b in bodies if b.type in ("people_committee", "department") and not b.valid_to]
    topics = [(t["id"], [k for k in t.get("keywords", []) if len(k.split()) >= 2] or t.get("keywords", []))
              for t in load_yaml("topics.yml")["topics"]]
    return World(sorted(central), sorted(merged), sorted(local), topics)


def _tasks(world: World, count: int, seed: int, batch: int) -> Iterator[tuple[list[dict], list[dict], list[dict],
                                                                                 list[dict]]]:
    """Batches of rows: (documents, directives, directive_bodies, directive_topics)."""
    from nlp.topics import fold
    from store.terms import expansions

    def search_text(text: str, names: list[str]) -> str:
        """What ``store.changes.search_text`` makes of a directive with this clause and these bodies."""
        folded = fold(f"{text}\n{' ; '.join(names)}")
        extra = expansions(folded)
        return folded + ("\n" + " ; ".join(extra) if extra else "")

    rng = random.Random(seed)
    n_docs = (count + TASKS_PER_DOC - 1) // TASKS_PER_DOC
    tid = 0
    docs: list[dict] = []
    dirs: list[dict] = []
    dbodies: list[dict] = []
    dtopics: list[dict] = []
    span = (date(2026, 6, 30) - date(2019, 1, 1)).days
    for doc_id in range(1, n_docs + 1):
        day = date(2019, 1, 1) + timedelta(days=rng.randrange(span))
        docs.append({"id": doc_id, "url": f"https://bench.example/{doc_id}", "source_id": rng.randrange(len(SOURCES)) + 1,
                     "title": f"Thông báo kết luận số {rng.randrange(1, 999)}/TB-VPCP", "published": day,
                     "text": "", "content_hash": hashlib.sha256(f"doc{doc_id}".encode()).hexdigest(),
                     "meta": {}, "status": "done", "number": f"{rng.randrange(1, 999)}/TB-VPCP",
                     "issued": day})
        for _ in range(min(TASKS_PER_DOC, count - tid)):
            tid += 1
            pool = world.merged if day < MERGER and rng.random() < 0.35 else world.central
            lead = [rng.choice(pool) if rng.random() < 0.6 else rng.choice(world.local)]
            coord = rng.sample(world.central, rng.choice((0, 0, 1, 2)))
            topic_ids = []
            phrase = ""
            for _ in range(rng.choice((1, 1, 2))):
                tid_, keywords = rng.choice(world.topics)
                if tid_ not in topic_ids:
                    topic_ids.append(tid_)
                    phrase += " " + rng.choice(keywords)
            deadline = day + timedelta(days=rng.randrange(7, 400)) if rng.random() < 0.65 else None
            when = f", hoàn thành trước ngày {deadline.day}/{deadline.month}/{deadline.year}" if deadline else ""
            with_ = f", phối hợp với {', '.join(coord)}" if coord else ""
            verb, obj = rng.choice(VERBS), rng.choice(OBJECTS)
            text = f"{lead[0]} chủ trì{with_} {verb} {obj}{phrase}{when}."
            head = rng.random() < 0.08 and tid > 100
            dirs.append({
                "id": tid, "document_id": doc_id, "clause_key": hashlib.sha256(f"{tid}".encode()).hexdigest(),
                "text": text, "start": 0, "end": len(text), "issuer_person": rng.choice(
                    ["Phạm Minh Chính", "Trần Hồng Hà", "Lê Thành Long", "Hồ Đức Phớc", None]),
                "issuer_key": None, "verb": "chủ trì", "deadline": deadline,
                "deadline_text": when[2:] or None, "deadline_granularity": "day" if deadline else None,
                "confidence": 0.9, "extractor": "rules", "extractor_version": "bench",
                "review_status": rng.choice(STATUSES), "active": rng.random() > 0.03,
                "cluster_id": rng.randrange(1, tid - 50) if head else None, "doc_date": day,
                "search_text": search_text(text, lead + coord), "seq": tid,
            })
            dbodies.extend({"directive_id": tid, "role": role, "body_name": name, "position": i}
                           for role, group in (("lead", lead), ("coordinate", coord))
                           for i, name in enumerate(group))
            dtopics.extend({"directive_id": tid, "topic": t, "position": i} for i, t in enumerate(topic_ids))
            if len(dirs) >= batch:
                yield docs, dirs, dbodies, dtopics
                docs, dirs, dbodies, dtopics = [], [], [], []
    if dirs or docs:
        yield docs, dirs, dbodies, dtopics


def _prepare(url: str) -> float:
    """A fresh store: schema by the store's migrations, bodies by its gazetteer sync, the sources."""
    from sqlalchemy import insert

    from nlp.gazetteer import Gazetteer
    from store.bodies import sync_bodies
    from store.db import session_scope, upgrade
    from store.models import Source

    t = time.perf_counter()
    upgrade(url)
    with session_scope(url) as session:
        sync_bodies(session, bodies=Gazetteer.default().bodies())
        session.execute(insert(Source), [{"id": i + 1, "name": s, "kind": "press"} for i, s in enumerate(SOURCES)])
    return time.perf_counter() - t


def _bulk_mode(url: str) -> list[str]:
    """Set aside the per-row full-text upkeep for the load (SQLite's FTS insert trigger, PostgreSQL's GIN index),
    as a bulk import does; returns the statements that restore it, taken from the database itself."""
    from sqlalchemy import text

    from store.db import get_engine

    with get_engine(url).begin() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                     "AND tbl_name = 'directives' AND sql LIKE '%directives_fts%' "
                                     "AND name LIKE '%insert%'")).all()
            for name, _ in rows:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
            return ["INSERT INTO directives_fts(directives_fts) VALUES ('rebuild')", *(sql for _, sql in rows)]
        rows = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'directives' "
                                 "AND schemaname = current_schema() AND indexdef ILIKE '%using gin%'")).all()
        for name, _ in rows:
            conn.execute(text(f'DROP INDEX "{name}"'))
        return [sql for _, sql in rows]


def _restore(url: str, statements: list[str]) -> float:
    from sqlalchemy import text

    from store.db import get_engine

    t = time.perf_counter()
    with get_engine(url).begin() as conn:
        for sql in statements:
            conn.execute(text(sql))
    return time.perf_counter() - t


def _insert(url: str, batch: tuple[list[dict], ...]) -> float:
    """One batch in one transaction, by Core executemany into the store's tables; seconds spent."""
    from sqlalchemy import insert, text

    from store.db import session_scope
    from store.models import Directive, DirectiveBody, DirectiveTopic, Document

    t = time.perf_counter()
    with session_scope(url) as session:
        conn = session.connection()
        tables = [m.__table__ for m in (Document, Directive, DirectiveBody, DirectiveTopic)]
        if conn.dialect.name == "postgresql":  # COPY, PostgreSQL's bulk path
            conn.execute(text("SET LOCAL synchronous_commit TO OFF"))
            _copy(conn, tables, batch)
        else:
            conn.exec_driver_sql("PRAGMA cache_size=-262144")  # a page cache that holds the indexes
            for table, part in zip(tables, batch, strict=True):
                if part:
                    conn.execute(insert(table), part)
    return time.perf_counter() - t


def _copy(conn, tables, batch: tuple[list[dict], ...]) -> None:  # noqa: ANN001 - SQLAlchemy objects
    from psycopg.types.json import Jsonb

    from store.models.base import utcnow

    now = utcnow()
    cursor = conn.connection.driver_connection.cursor()
    for table, part in zip(tables, batch, strict=True):
        if not part:
            continue
        cols = list(part[0])
        stamps = [c for c in ("created_at", "updated_at") if c in table.c and c not in cols]
        names = ", ".join(f'"{c}"' for c in cols + stamps)
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in part:
                copy.write_row([Jsonb(v) if isinstance(v, dict) else v for v in row.values()] + [now] * len(stamps))


def _finish(url: str, count: int) -> float:
    """The change counter after the last task, and fresh planner statistics (on PostgreSQL with a VACUUM, as
    autovacuum would do after a bulk load: it marks pages all-visible, so index-only scans skip the table)."""
    from sqlalchemy import text, update

    from store.db import get_engine, session_scope
    from store.models import Counter

    t = time.perf_counter()
    with session_scope(url) as session:
        session.execute(update(Counter).where(Counter.name == "changes").values(value=count))
    with get_engine(url).connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return time.perf_counter() - t


def _load(targets: list[tuple[str, str]], world: World, count: int, seed: int, batch: int,
          bulk: bool) -> dict[str, dict]:
    """Generate the tasks once and load each batch into every target; timings by target."""
    out = {name: {"schema_s": _prepare(url), "insert_s": 0.0, "rows": 0} for name, url in targets}
    restore = {name: _bulk_mode(url) if bulk else [] for name, url in targets}
    gen = 0.0
    with report.progress() as bar:
        task = bar.add_task("generating and loading", total=count)
        it = _tasks(world, count, seed, batch)
        while True:
            t = time.perf_counter()
            rows = next(it, None)
            gen += time.perf_counter() - t
            if rows is None:
                break
            for name, url in targets:
                out[name]["insert_s"] += _insert(url, rows)
                out[name]["rows"] += sum(len(part) for part in rows)
            bar.advance(task, len(rows[1]))
    for name, url in targets:
        res = out[name]
        res["index_s"] = _restore(url, restore[name])  # full-text index built in one go after a bulk load
        res["analyze_s"] = _finish(url, count)
        res["bulk_mode"] = bulk
        res["tasks_per_s"] = round(count / res["insert_s"]) if res["insert_s"] else None
        res["total_s"] = res["schema_s"] + res["insert_s"] + res["index_s"] + res["analyze_s"]
        for key in ("schema_s", "insert_s", "index_s", "analyze_s", "total_s"):
            res[key] = round(res[key], 1)
        res["generate_s"] = round(gen, 1)
    return out


def _queries(world: World, count: int, rng: random.Random) -> list[tuple[str, Callable]]:
    """The ten typical queries, each a function of a session that draws its own arguments."""
    from store.search import TaskQuery, changes_since, search_tasks

    merged_into = "Bộ Tài chính"  # absorbed Bộ Kế hoạch và Đầu tư on 1 March 2025
    words = ["dau tu cong", "chuyen doi so", "thu tuc hanh chinh", "giai ngan", "phong chong thien tai",
             "nha o xa hoi", "du thao nghi dinh", "co so du lieu", "xuat khau", "bien doi khi hau"]
    topic_ids = [t for t, _ in world.topics]

    def day() -> date:
        return date(2019, 1, 1) + timedelta(days=rng.randrange(2600))

    def page(q: TaskQuery, cursor: str | None = None):
        return lambda s: search_tasks(s, query=q, limit=50, cursor=cursor)

    return [
        ("body + merger history (first page)", lambda s: page(TaskQuery(body=merged_into))(s)),
        ("body, any role", lambda s: page(TaskQuery(body=rng.choice(world.central), role="any"))(s)),
        ("topic", lambda s: page(TaskQuery(topic=rng.choice(topic_ids)))(s)),
        ("free text, no diacritics", lambda s: page(TaskQuery(text=rng.choice(words)))(s)),
        ("deadline range (a month)", lambda s: (lambda d: page(TaskQuery(deadline_after=d,
                                                                        deadline_before=d + timedelta(days=30)))(s))(day())),
        ("overdue", lambda s: page(TaskQuery(overdue=True, today=day()))(s)),
        ("combined: body + topic + deadline + status", lambda s: page(TaskQuery(
            body=rng.choice(world.central), topic=rng.choice(topic_ids), deadline_after=date(2024, 1, 1),
            status=("pending", "accepted")))(s)),
        ("combined: text + since + overdue", lambda s: page(TaskQuery(
            text=rng.choice(words), since=date(2023, 1, 1), overdue=True, today=date(2025, 6, 1)))(s)),
        ("deep page (keyset cursor)", lambda s: page(TaskQuery(), cursor=str(rng.randrange(count // 10, count)))(s)),
        ("change feed page (100)", lambda s: changes_since(s, seq=rng.randrange(count), limit=100)),
    ]


def _measure(url: str, world: World, count: int, reps: int, seed: int) -> list[dict]:
    from store.db import session_factory

    rng = random.Random(seed)
    out = []
    factory = session_factory(url)
    for name, run in _queries(world, count, rng):
        times = []
        found = 0
        for i in range(reps + 1):
            with factory() as session:
                t = time.perf_counter()
                got = run(session)
                dt = time.perf_counter() - t
            if i:  # the first run warms caches
                times.append(dt * 1000)
                found += len(got.items) if hasattr(got, "items") else len(got)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        out.append({"query": name, "p50_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1),
                    "avg_hits": round(found / reps, 1)})
    return out


def _pg_schema(url: str, schema: str, create: bool) -> str | None:
    """Create (or drop) the benchmark's own schema; the URL whose connections use it, or None without PostgreSQL."""
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            if create:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - no server: say so and go on
        report.stderr.print(f"PostgreSQL not used ({type(exc).__name__}: {str(exc).splitlines()[0]})")
        return None
    return f"{url}?options=-csearch_path%3D{schema}"


def main(
    tasks: int = typer.Option(1_000_000, help="tasks to generate"),
    reps: int = typer.Option(20, help="runs of each query (after one warm-up)"),
    seed: int = typer.Option(11, help="generator seed"),
    batch: int = typer.Option(20_000, help="tasks per insert transaction"),
    pg: str = typer.Option(PG_URL, help="PostgreSQL URL (a schema of its own is made and dropped)"),
    no_pg: bool = typer.Option(False, "--no-pg", help="SQLite only"),
    no_sqlite: bool = typer.Option(False, "--no-sqlite", help="PostgreSQL only"),
    bulk: bool = typer.Option(True, help="build the full-text index after the load instead of row by row"),
) -> None:
    world = _world()
    results: dict[str, dict] = {}
    schema = f"chidao_bench_{os.getpid()}"
    targets: list[tuple[str, str]] = []
    tmp = tempfile.TemporaryDirectory(prefix="chidao-bench-")
    if not no_sqlite:
        targets.append(("sqlite", str(Path(tmp.name) / "bench.db")))
    pg_url = None if no_pg else _pg_schema(pg, schema, create=True)
    if pg_url:
        targets.append(("postgresql", pg_url))
    try:
        loads = _load(targets, world, tasks, seed, batch, bulk)
        for name, url in targets:
            report.stderr.print(f"{name}: loaded {tasks:,} tasks in {loads[name]['insert_s']} s; timing queries …")
            results[name] = {"load": loads[name], "queries": _measure(url, world, tasks, reps, seed)}
            if name == "sqlite":
                results[name]["file_mb"] = round(os.path.getsize(url) / 1e6, 1)
    finally:
        from store.db import get_engine

        for _name, url in targets:
            get_engine(url).dispose()
        if pg_url:
            _pg_schema(pg, schema, create=False)
        tmp.cleanup()

    for name, res in results.items():
        load = res["load"]
        report.table(
            f"{name}: {tasks:,} tasks; load {load['total_s']} s (inserts {load['insert_s']} s = "
            f"{load['tasks_per_s']:,} tasks/s, full-text index {load['index_s']} s, analyze {load['analyze_s']} s)",
            [(q["query"], f"{q['p50_ms']}", f"{q['p95_ms']}", f"{q['avg_hits']}") for q in res["queries"]],
            ("query", "p50 ms", "p95 ms", "hits"))
    summary = {f"{name}_p95_max_ms": max(q["p95_ms"] for q in res["queries"]) for name, res in results.items()}
    summary.update({f"{name}_load_s": res["load"]["total_s"] for name, res in results.items()})
    report.result({**summary, "tasks": tasks, "reps": reps, "results": results, **report.machine()})


if __name__ == "__main__":
    typer.run(main)
