"""Finding one procedure among many: the cost of a big directory beside the file you work on.

A pre-commit hook checks one changed file; when that file `use`s another procedure, validate
must find the used id among the files beside it. So must `procflow show ID --dir DIR` and
`procflow run`. This prints, for 0, 1,000 and 5,000 neighbouring procedures, the median time of
the whole `procflow validate caller.yaml` and `procflow show caller --dir DIR` processes (warm:
after a first run has indexed the directory), and the ratio to the same command with no
neighbours. Goal: the one-file validate within 1.5x with 5,000 neighbours (what a pre-commit
hook pays); show's ratio is printed beside it. Sizes are interleaved run by run.

    python bench/catalog.py [--runs 7] [--sizes 0,1000,5000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROCFLOW = Path(sys.executable).with_name("procflow")
GOAL = 1.5

CALLER = """procflow: 1
id: caller
title: {en: Caller, zh-Hant: 呼叫}
initial: start
states:
  start:
    use: {procedure: callee}
    next: done
  done: {final: true}
"""

NEIGHBOUR = """procflow: 1
id: {ident}
title: {{en: Neighbour {n}, zh-Hant: 鄰居 {n}}}
initial: a
fields:
  kind: {{type: choice, options: [one, two]}}
states:
  a:
    ask: [kind]
    next:
      - {{to: b, when: kind == "one"}}
      - {{to: c, when: kind == "two"}}
  b: {{next: c}}
  c: {{final: true}}
"""


def make(directory: Path, neighbours: int) -> Path:
    directory.mkdir(parents=True)
    (directory / "caller.yaml").write_text(CALLER, encoding="utf-8")
    (directory / "callee.yaml").write_text(NEIGHBOUR.format(ident="callee", n=0), encoding="utf-8")
    for n in range(neighbours):
        (directory / f"n{n:05d}.yaml").write_text(NEIGHBOUR.format(ident=f"n{n:05d}", n=n), encoding="utf-8")
    return directory / "caller.yaml"


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="0,1000,5000")
    options = parser.parse_args(argv)
    sizes = [int(s) for s in options.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = dict(
            os.environ, PROCFLOW_CACHE_DIR=str(root / "cache"), PROCFLOW_DB=str(root / "db"), NO_COLOR="1"
        )
        env.pop("PROCFLOW_PATH", None)
        callers = {size: make(root / f"dir{size}", size) for size in sizes}
        commands = {
            "validate caller.yaml": lambda size: [str(PROCFLOW), "validate", str(callers[size])],
            "show caller --dir DIR": lambda size: [
                str(PROCFLOW),
                "show",
                "caller",
                "--dir",
                str(callers[size].parent),
            ],
        }
        times: dict[tuple[str, int], list[float]] = {}
        for name, args in commands.items():
            for size in sizes:  # the first run indexes the directory and fills the result cache
                timed(args(size), env)
            for _ in range(options.runs):
                for size in sizes:
                    times.setdefault((name, size), []).append(timed(args(size), env))
        print(f"{'command':<24}{'neighbours':>12}{'median':>10}{'ratio':>8}")
        for name in commands:
            base = statistics.median(times[(name, sizes[0])])
            for size in sizes:
                median = statistics.median(times[(name, size)])
                print(f"{name:<24}{size:>12,}{median * 1000:>8.0f} ms{median / base:>7.2f}x")
        goal = "validate caller.yaml"
        ratio = statistics.median(times[(goal, sizes[-1])]) / statistics.median(times[(goal, sizes[0])])
        verdict = "met" if ratio <= GOAL else "NOT met"
        print(
            f"goal: one-file validate with {sizes[-1]:,} neighbours <= {GOAL}x alone: {ratio:.2f}x, {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
