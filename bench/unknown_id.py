"""A mistyped instance id at scale: the "did you mean" lookup with 1,000,000 instances against 1,000.

Each store holds that many ids (copies of one instance row under random ids). A lookup is
`SQLiteStore.load` of an id that does not exist, half of them one edit away from a stored id
(a character changed, left out, added or two swapped), half unrelated; it raises NotFoundError
with its suggestion. The sizes are timed interleaved, sample by sample, so a busy moment hurts
both alike; medians and their ratio are printed, beside the old way (read every id, then
difflib over all) on the big store.

Goal: the lookup with 1,000,000 instances within 10 ms and at most 3x its time with 1,000.
Run from a checkout: `python bench/unknown_id.py [--instances N] [--small N] [--runs N]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from procflow.engine.base.errors import NotFoundError
from procflow.engine.store.records import ID_ALPHABET, ID_LENGTH, unknown_id_message
from procflow.engine.store.sqlite import SQLiteStore, now


def fill(path: Path, count: int, rng: random.Random) -> list[str]:
    """A store of `count` instances; returns their ids."""
    with SQLiteStore(path) as store:
        model = store.start_instance(
            procedure_id="p",
            pins={"p": ("p.yaml", b"id: p\n")},
            snapshot={"state": "a"},
            state="a",
            status="open",
            role=None,
            events=[{"kind": "start", "to": "a"}],
            actor="ann",
            at=now(),
        ).id
        ids = {model}
        while len(ids) < count:
            ids.add("".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH)))
        with store.write() as db:
            db.executemany(
                "INSERT INTO instances (id, procedure_id, hash, pins, status, state, role, version,"
                " snapshot, created_at, created_by, updated_at, updated_by, owner) SELECT ?,"
                " procedure_id, hash, pins, status, state, role, version, snapshot, created_at,"
                " created_by, updated_at, updated_by, owner FROM instances WHERE id = ?",
                [(ident, model) for ident in ids if ident != model],
            )
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sorted(ids)


def typos(ids: list[str], rng: random.Random, count: int) -> list[str]:
    """Ids that are not stored: half one edit from a stored one, half unrelated."""
    known, found = set(ids), []
    while len(found) < count:
        ident = rng.choice(ids)
        at = rng.randrange(ID_LENGTH - 1)
        edits = (
            ident[:at] + rng.choice(ID_ALPHABET) + ident[at + 1 :],
            ident[:at] + ident[at + 1 :],
            ident[:at] + rng.choice(ID_ALPHABET) + ident[at:],
            ident[:at] + ident[at + 1] + ident[at] + ident[at + 2 :],
            "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH)),
            "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH)),
            "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH)),
            "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH)),
        )
        typo = edits[len(found) % len(edits)]
        if typo not in known:
            found.append(typo)
    return found


def lookup(store: SQLiteStore, typo: str) -> float:
    start = time.perf_counter()
    try:
        store.load(typo)
    except NotFoundError:
        pass
    else:
        raise AssertionError(f"{typo} exists")
    return time.perf_counter() - start


def old_way(store: SQLiteStore, typo: str) -> float:
    """What the lookup cost before: every id read, then difflib over all of them."""
    start = time.perf_counter()
    unknown_id_message(typo, [r[0] for r in store.db.execute("SELECT id FROM instances")])
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=1_000_000, help="instances in the big store")
    parser.add_argument("--small", type=int, default=1_000, help="instances in the small store")
    parser.add_argument("--runs", type=int, default=200, help="lookups timed per store")
    options = parser.parse_args(argv)
    rng = random.Random(9)
    with tempfile.TemporaryDirectory() as folder:
        sizes = (options.small, options.instances)
        paths = {n: Path(folder) / f"{n}.db" for n in sizes}
        ids = {n: fill(paths[n], n, rng) for n in sizes}
        stores = {n: SQLiteStore(paths[n]) for n in sizes}
        wrong = {n: typos(ids[n], rng, options.runs) for n in sizes}
        times: dict[int, list[float]] = {n: [] for n in sizes}
        for sample in range(options.runs):
            for n in sizes:
                times[n].append(lookup(stores[n], wrong[n][sample]))
        old = [old_way(stores[options.instances], typo) for typo in wrong[options.instances][:3]]
        for store in stores.values():
            store.close()
    small, big = (statistics.median(times[n]) * 1000 for n in sizes)
    print(f"unknown instance id, median of {options.runs} lookups (interleaved)")
    print(f"  {options.small:>9,} instances  {small:8.2f} ms")
    print(f"  {options.instances:>9,} instances  {big:8.2f} ms  ({big / small:.1f}x)")
    print(
        f"  {options.instances:>9,} instances  {statistics.median(old) * 1000:8.0f} ms  (every id and difflib)"
    )
    ok = big <= 10 and big <= 3 * small
    print(f"goal (<= 10 ms and <= 3x): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
