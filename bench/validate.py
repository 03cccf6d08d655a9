"""`procflow validate` against `check-jsonschema` on the same generated procedures, whole processes.

Writes N valid, realistic procedures (about 20 states each: zh-Hant and English texts, typed
fields, guarded routes, moves, deadlines, sub-procedures) to a temporary directory, then times
each tool as a separate process from this environment, several times, and prints medians,
ratios, the issue's goals, and peak memory for a small and a full set. procflow is measured
with a cold cache (nothing cached, not even the generated schema validator), with no results
cached (`--no-cache`, the validator's code cached as after any earlier run) and warm. procflow's
own bytecode is compiled first, as pip compiles it at install: a checkout run with
PYTHONDONTWRITEBYTECODE would otherwise compile every module in every timed process.

Then the shape table of issue 9: one generated file of each slow shape (many states with
guarded routes, one state with many guarded routes, many missing targets, many empty states)
at growing sizes, each validated as a whole process, with its time against the smallest size
and the goal (every file under the 1 MiB limit in at most 2 s, time growing at most as n log n).

    python bench/validate.py [--files 1000] [--small 100] [--repeat 3] [--dir DIR] [--shapes-only]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "procedure.schema.json"
BIN = Path(sys.executable).parent

# --- the synthetic procedures --------------------------------------------------------------

KINDS = ("guest", "courier", "interviewee", "sales")
KIND_ZH = {"guest": "來賓", "courier": "快遞人員", "interviewee": "面試者", "sales": "推銷人員"}


def _t(zh: str, en: str) -> str:
    return f"{{zh-Hant: {json.dumps(zh, ensure_ascii=False)}, en: {json.dumps(en)}}}"


def procedure_id(index: int) -> str:
    return f"bench-reception-{index:05d}"


def make_procedure(index: int) -> str:
    """Procedure number `index` as YAML; every tenth (from 5) uses number 0 as a sub-procedure."""
    out = [
        "# yaml-language-server: $schema=../schemas/procedure.schema.json",
        "procflow: 1",
        f"id: {procedure_id(index)}",
        f"title: {_t(f'來訪者接待 {index}', f'Visitor reception {index}')}",
        f"description: {_t('前臺接待來訪者的標準流程', 'The front desk standard for receiving visitors')}",
        "source: 第四篇 前臺接待規程 · 來訪者接待",
        "params:",
        "  org_name: 華僑賓館",
        "  ac_setpoint_c: {default: 26, source: 第四篇 來訪者接待 3.(2)}",
        "roles:",
        f"  front_desk: {_t('前臺', 'Front desk')}",
        f"  hr: {_t('人力部', 'HR')}",
        "fields:",
        f"  visitor_name: {{type: text, label: {_t('貴姓', 'Name')}, pii: true, min: 1, max: 40}}",
        "  visitor_kind:",
        "    type: choice",
        f"    label: {_t('來訪類別', 'Kind of visitor')}",
        "    options:",
        *(f"      {kind}: {_t(KIND_ZH[kind], kind.capitalize())}" for kind in KINDS),
        f"  party_size: {{type: number, integer: true, min: 1, max: 50, label: {_t('人數', 'Party size')}}}",
        f"  meeting_start: {{type: datetime, label: {_t('會議開始時間', 'Meeting start')}}}",
        f"  has_appointment: {{type: bool, label: {_t('是否有預約', 'Has an appointment')}}}",
        f"  phone: {{type: text, pattern: '^[0-9+ -]{{6,20}}$', label: {_t('電話', 'Phone')}}}",
        "notes:",
        "  - kind: resolution",
        "    source: 第四篇 來訪者接待 2",
        f"    text: {_t('原文未說明其他來訪者,按來賓接待', 'The source is silent on other visitors: treated as guests')}",
        "initial: stand",
        "states:",
    ]
    return "\n".join(out + _states(index)) + "\n"


def _states(index: int) -> list[str]:
    s: list[str] = []

    def state(name: str, zh: str, en: str, clause: str, *lines: str) -> None:
        s.extend([f"  {name}:", f"    title: {_t(zh, en)}", "    role: front_desk"])
        s.extend([f"    source: 第四篇 來訪者接待 {clause}", *lines])

    state(
        "stand",
        "起立",
        "Stand up",
        "1",
        "    do:",
        "      - id: stand_up",
        f"        text: {_t('立即起立,目光直視來訪者并點頭微笑致意', 'Stand up, look at the visitor and smile')}",
        f"    due: [{{id: greet, within: 1 minute, text: {_t('起立問候', 'Greet')}}}]",
        "    next: inquire",
    )
    state(
        "inquire",
        "問詢",
        "Inquire",
        "2",
        "    say:",
        f"      - {_t('您好,{org_name},請問您找哪一位?', 'Hello, this is {org_name}. Who would you like to see?')}",
        "    ask: [visitor_name, visitor_kind, {field: phone, required: false}]",
        "    next:",
        *(f'      - {{to: {kind}_1, when: visitor_kind == "{kind}"}}' for kind in KINDS[:3]),
        "      - {to: guest_2, otherwise: true}",
    )
    for kind in KINDS[:3]:
        then = "guest_2" if kind == "guest" else f"{kind}_2"
        state(
            f"{kind}_1",
            f"{KIND_ZH[kind]}登記",
            f"Register the {kind}",
            "3.(1)",
            "    do:",
            f"      - {_t(f'請{KIND_ZH[kind]}登記姓名與事由', f'Ask the {kind} to sign in')}",
            f"      - {{text: {_t('空調設定為 {ac_setpoint_c} 度', 'Air conditioning at {ac_setpoint_c}')}, optional: true}}",
            f"    next: {then}",
        )
        if kind != "guest":
            state(
                f"{kind}_2",
                f"{KIND_ZH[kind]}通知",
                f"Notify about the {kind}",
                "3.(2)",
                "    say:",
                f"      - {_t('請稍等,我馬上為您聯系', 'One moment, I will call them for you')}",
                "    moves:",
                f"      - {{id: reached, to: escort, label: {_t('已聯系上', 'Reached')}}}",
                f"      - {{id: absent, to: leave_message, label: {_t('無人接聽', 'Nobody answers')}}}",
            )
    state(
        "guest_2",
        "確認預約",
        "Check the appointment",
        "3.(3)",
        "    ask: [has_appointment, party_size]",
        "    next:",
        "      - {to: meeting_room, when: has_appointment and party_size > 5}",
        "      - {to: escort, when: has_appointment and party_size <= 5}",
        "      - {to: leave_message, otherwise: true}",
    )
    state(
        "meeting_room",
        "安排會議室",
        "Book a meeting room",
        "3.(4)",
        "    ask: [meeting_start]",
        "    due:",
        f"      - {{id: prepare_room, before: 30 minutes, of: meeting_start, text: {_t('準備會議室', 'Prepare the room')}}}",
        f"      - {{id: tea, every: 15 minutes, text: {_t('添茶', 'Top up the tea')}}}",
        "    do:",
        f"      - {_t('開啟空調並調至 {ac_setpoint_c} 度', 'Air conditioning on at {ac_setpoint_c}')}",
        f"      - {_t('準備茶水與紙筆', 'Prepare tea, paper and pens')}",
        "    next: escort",
    )
    state(
        "escort",
        "引導",
        "Escort",
        "4",
        "    do:",
        f"      - {_t('引領來訪者到達目的地', 'Lead the visitor to the host')}",
        "    moves:",
        f"      - {{id: arrived, to: serve_tea, label: {_t('已到達', 'Arrived')}}}",
        f"      - {{id: declined, to: see_off, label: {_t('來訪者自行前往', 'The visitor goes alone')}}}",
    )
    state(
        "serve_tea",
        "奉茶",
        "Serve tea",
        "5",
        "    say:",
        f"      - {_t('請用茶', 'Please have some tea')}",
        "    next: wait_host",
    )
    state(
        "wait_host",
        "等候",
        "Wait for the host",
        "6",
        "    due:",
        f"      - {{id: check_back, within: 10 minutes, text: {_t('回訪確認', 'Check back')}}}",
        "    next: see_off",
    )
    state(
        "leave_message",
        "留言",
        "Take a message",
        "7",
        "    say:",
        f"      - {_t('請留下您的聯系方式,我們會盡快回覆', 'Please leave your details')}",
        "    moves:",
        f"      - {{id: left, to: record, label: {_t('已留言', 'Message taken')}}}",
        f"      - {{id: refused, to: refused, label: {_t('不願留言', 'Declined')}}}",
    )
    state(
        "record",
        "記錄",
        "Record",
        "8",
        "    do:",
        f"      - {_t('將留言記入來訪登記簿', 'Write the message in the visitor log')}",
        "    next: see_off",
    )
    uses = index % 10 == 5
    state(
        "see_off",
        "送客",
        "See off",
        "9",
        "    say:",
        f"      - {_t('您慢走,歡迎再來{org_name}', 'Take care, and welcome back to {org_name}')}",
        f"    next: {'follow_up' if uses else 'tidy'}",
    )
    if uses:
        state(
            "follow_up",
            "回訪",
            "Follow up",
            "10",
            f"    use: {{procedure: {procedure_id(0)}, params: {{org_name: '{{org_name}}'}}}}",
            "    outcomes: {completed: done, refused: refused}",
        )
    else:
        state(
            "tidy",
            "整理",
            "Tidy up",
            "10",
            "    do:",
            f"      - {_t('整理前臺桌面與登記簿', 'Tidy the desk and the log')}",
            "    next: done",
        )
    s += ["  done: {final: true, outcome: completed}", "  refused: {final: true, outcome: refused}"]
    return s


def state_count(text: str) -> int:
    body = text.split("\nstates:\n", 1)[1]
    return sum(1 for line in body.splitlines() if line.startswith("  ") and not line.startswith("   "))


def write_corpus(directory: Path, count: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{procedure_id(i)}.yaml" for i in range(count)]
    for index, path in enumerate(paths):
        path.write_text(make_procedure(index), encoding="utf-8")
    return paths


# --- running and measuring -----------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_kib: int  # the largest resident set of the process or any child it waited for
    code: int
    output: str
    cpu: float = 0.0  # user + system seconds of the process: what other work on the machine inflates least


def run(command: Sequence[str], env: dict[str, str]) -> Run:
    """One whole process, its wall time and peak memory (wait4 gives this child's own usage)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Run(seconds, usage.ru_maxrss, process.returncode, text, usage.ru_utime + usage.ru_stime)


def repeat(times: int, before: Callable[[], None], command: Sequence[str], env: dict[str, str]) -> list[Run]:
    runs = []
    for _ in range(times):
        before()
        result = run(command, env)
        if result.code != 0:
            raise SystemExit(
                f"bench: {' '.join(command[:3])} ... exited {result.code}:\n{result.output[-2000:]}"
            )
        runs.append(result)
    return runs


def median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def peak(runs: list[Run]) -> int:
    return max(r.peak_kib for r in runs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="procedures in the full set (default 1000)")
    parser.add_argument("--small", type=int, default=100, help="procedures in the small set (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (default 3)")
    parser.add_argument("--dir", type=Path, help="work here instead of a temporary directory (kept)")
    parser.add_argument("--shapes-only", action="store_true", help="only the table of slow shapes")
    args = parser.parse_args(argv)
    procflow, checker = str(BIN / "procflow"), str(BIN / "check-jsonschema")
    for tool in (procflow, checker):
        if not Path(tool).exists():
            raise SystemExit(f"bench: {tool} not found; install procflow with its test extra here")
    work = args.dir or Path(tempfile.mkdtemp(prefix="procflow-bench-"))
    compiled()
    try:
        if not args.shapes_only:
            measure(args, work, procflow, checker)
            print()
        return shape_table(args.repeat, work / "shapes", procflow)
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


def compiled() -> None:
    """An installed procflow has its bytecode compiled (pip does it); a checkout run with
    PYTHONDONTWRITEBYTECODE would compile every module in every timed process instead."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "engine", "terminal", "cli.py"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def measure(args: argparse.Namespace, work: Path, procflow: str, checker: str) -> int:
    full = write_corpus(work / "full", args.files)
    small = write_corpus(work / "small", min(args.small, args.files))
    one = full[1]
    cache = work / "cache"
    env = {**os.environ, "PROCFLOW_CACHE_DIR": str(cache), "NO_COLOR": "1"}

    def clear_all() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def keep() -> None:
        pass

    sizes = [p.stat().st_size for p in full]
    print(
        f"procflow validate vs check-jsonschema, {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start"
    )
    states = statistics.mean(state_count(make_procedure(i)) for i in range(min(len(full), 20)))
    print(
        f"{len(full)} generated procedures of {statistics.mean(sizes) / 1024:.1f} KiB and {states:.0f} states "
        f"on average; each figure is the median of {args.repeat} runs\n"
    )

    full_dir, small_dir = str(work / "full"), str(work / "small")
    schema_only = [checker, "--schemafile", str(SCHEMA)]
    # (section, label, prepare, command); measured round-robin, so a change in the machine's load
    # during the run falls on every measurement alike. A cold run leaves the cache warm.
    specs: list[tuple[str, str, Callable[[], None], list[str]]] = [
        ("full", "check-jsonschema (schema only)", keep, [*schema_only, *map(str, full)]),
        (
            "full",
            "procflow validate, cold cache (schema + rules)",
            clear_all,
            [procflow, "validate", full_dir],
        ),
        (
            "full",
            "procflow validate --no-cache (validator code cached)",
            keep,
            [procflow, "validate", "--no-cache", full_dir],
        ),
        ("full", "procflow validate, warm cache", keep, [procflow, "validate", full_dir]),
        ("one", "check-jsonschema", keep, [*schema_only, str(one)]),
        ("one", "procflow validate, cold cache", clear_all, [procflow, "validate", str(one)]),
        (
            "one",
            "procflow validate --no-cache (validator code cached)",
            keep,
            [procflow, "validate", "--no-cache", str(one)],
        ),
        ("one", "procflow validate, warm cache", keep, [procflow, "validate", str(one)]),
        ("small", f"check-jsonschema, {len(small)} files", keep, [*schema_only, *map(str, small)]),
        (
            "small",
            f"procflow validate, {len(small)} files, cold cache",
            clear_all,
            [procflow, "validate", small_dir],
        ),
    ]
    runs: dict[tuple[str, str], list[Run]] = {(part, label): [] for part, label, _, _ in specs}
    for round_ in range(args.repeat):
        print(f"round {round_ + 1} of {args.repeat} ...", flush=True)
        for part, label, prepare, command in specs:
            runs[part, label].extend(repeat(1, prepare, command, env))
    titles = {
        "full": f"{len(full)} files:",
        "one": "one file:",
        "small": f"{len(small)} files (for memory):",
    }
    for section, title in titles.items():
        print(f"\n{title}")
        for part, label in runs:
            if part == section:
                these = runs[part, label]
                print(f"  {label:<56} {median(these):8.3f} s  peak {peak(these) / 1024:6.1f} MiB")
    (
        checker_full,
        cold_full,
        nocache_full,
        warm_full,
        checker_one,
        cold_one,
        nocache_one,
        warm_one,
        small_checker,
        small_runs,
    ) = runs.values()

    def ratio(ours: list[Run], theirs: list[Run]) -> float:
        return median(theirs) / median(ours)

    print("\ngoals (issue 2):")
    for label, ours in (("cold cache", cold_full), ("--no-cache", nocache_full), ("warm cache", warm_full)):
        speedup = ratio(ours, checker_full)
        print(
            f"  {len(full)} files, {label:<11} {speedup:6.1f}x faster than check-jsonschema "
            f"(goal >= 10x): {'met' if speedup >= 10 else 'NOT met'}"
        )
    for label, ours in (("cold cache", cold_one), ("--no-cache", nocache_one), ("warm cache", warm_one)):
        share = median(ours) / median(checker_one)
        print(
            f"  one file, {label:<11} {share:5.2f}x check-jsonschema's time "
            f"(goal <= 0.5x): {'met' if share <= 0.5 else 'NOT met'}"
        )
    growth = peak(cold_full) / peak(small_runs)
    per_file = (peak(cold_full) - peak(small_runs)) / max(len(full) - len(small), 1)
    print(
        f"  peak memory {peak(small_runs) / 1024:.1f} MiB for {len(small)} files, {peak(cold_full) / 1024:.1f} MiB "
        f"for {len(full)} ({growth:.2f}x, {per_file:.1f} KiB per further file; check-jsonschema "
        f"{peak(small_checker) / 1024:.1f} -> {peak(checker_full) / 1024:.1f} MiB): "
        f"{'flat' if growth < 1.5 else 'NOT flat'}"
    )
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end; every run's seconds:")
    for (part, label), these in runs.items():
        print(f"  {part:<5} {label:<56} {' '.join(f'{r.seconds:.3f}' for r in these)}")
    return 0


# --- the slow shapes of issue 9 ------------------------------------------------------------

GOAL_SECONDS = 2.0
LIMIT_BYTES = 1 << 20


def _head(fields: str = "") -> list[str]:
    return ["procflow: 1", "id: shape", "title: Shape", *([f"fields:\n{fields}"] if fields else [])]


def chain_of_states(count: int) -> str:
    """`count` states in a chain, each routing on a number by a guard and an `otherwise`."""
    out = [*_head("  n: {type: number, integer: true}"), "initial: s0", "states:", "  s0:", "    ask: [n]"]
    for i in range(count):
        if i:
            out.append(f"  s{i}:")
        to = f"s{i + 1}" if i + 1 < count else "end"
        out += ["    next:", f"      - {{to: {to}, when: n > {i}}}", f"      - {{to: {to}, otherwise: true}}"]
    return "\n".join([*out, "  end: {final: true}"]) + "\n"


def one_state_routes(count: int) -> str:
    """One state with `count` guarded routes on a number (`n == i`) and an `otherwise`."""
    out = [
        *_head("  n: {type: number, integer: true}"),
        "initial: s",
        "states:",
        "  s:",
        "    ask: [n]",
        "    next:",
    ]
    out += [f"      - {{to: end, when: n == {i}}}" for i in range(count)]
    return "\n".join([*out, "      - {to: end, otherwise: true}", "  end: {final: true}"]) + "\n"


def missing_targets(count: int) -> str:
    """`count` states, each going to a state that does not exist (one finding each)."""
    states = [f"  s{i}: {{next: t{i}}}" for i in range(count)]
    return "\n".join([*_head(), "initial: s0", "states:", *states, "  end: {final: true}"]) + "\n"


def empty_states(count: int) -> str:
    """`count` states with nothing in them (no way out, unreachable: two findings each)."""
    states = [f"  s{i}: {{}}" for i in range(count)]
    return "\n".join([*_head(), "initial: s0", "states:", *states, "  end: {final: true}"]) + "\n"


SHAPES: list[tuple[str, str, Callable[[int], str], tuple[int, ...]]] = [
    ("states", "states with guarded routes", chain_of_states, (100, 1_000, 10_000)),
    ("routes", "guarded routes in one state", one_state_routes, (10, 100, 1_000, 10_000)),
    ("missing", "missing targets", missing_targets, (100, 1_000, 10_000, 20_000)),
    ("empty", "empty states", empty_states, (100, 1_000, 10_000, 75_000)),
]


def shape_table(repeat: int, work: Path, procflow: str) -> int:
    """Validate one file of each shape and size, sizes interleaved sample by sample."""
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NO_COLOR": "1"}
    files: dict[tuple[str, int], Path] = {}
    for key, _, make, sizes in SHAPES:
        for size in sizes:
            path = files[key, size] = work / f"{key}-{size}.yaml"
            path.write_text(make(size), encoding="utf-8")
    print(
        f"shapes (issue 9): `procflow validate --no-cache FILE`, one whole process each (bytecode "
        f"compiled, as installed), median of {repeat} runs, sizes interleaved; load average "
        f"{os.getloadavg()[0]:.2f} at start"
    )
    seconds: dict[tuple[str, int], list[float]] = {k: [] for k in files}
    cpu: dict[tuple[str, int], list[float]] = {k: [] for k in files}
    for _ in range(repeat):
        for (key, size), path in files.items():
            result = run([procflow, "validate", "--no-cache", str(path)], env)
            if result.code not in (0, 1):
                raise SystemExit(
                    f"bench: validate {path.name} exited {result.code}:\n{result.output[-2000:]}"
                )
            seconds[key, size].append(result.seconds)
            cpu[key, size].append(result.cpu)
    met = True
    for key, title, _, sizes in SHAPES:
        print(f"\n  {title}:")
        print(
            f"    {'size':>8} {'KiB':>7} {'seconds':>8} {'cpu s':>7} {'ratio':>7} {'n log n':>8}  goal <= {GOAL_SECONDS:g} s"
        )
        base = statistics.median(seconds[key, sizes[0]])
        for size in sizes:
            bytes_ = files[key, size].stat().st_size
            took = statistics.median(seconds[key, size])
            bound = size * math.log(size) / (sizes[0] * math.log(sizes[0]))
            under = bytes_ <= LIMIT_BYTES
            ok = took <= GOAL_SECONDS or not under
            met = met and ok
            verdict = ("met" if ok else "NOT met") if under else "over the size limit: refused"
            print(
                f"    {size:>8,} {bytes_ / 1024:7.0f} {took:8.3f} {statistics.median(cpu[key, size]):7.3f} "
                f"{took / base:6.1f}x {bound:7.1f}x  {verdict}"
            )
    print(f"\n  every file under the limit in <= {GOAL_SECONDS:g} s: {'met' if met else 'NOT met'}")
    print(f"  load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
