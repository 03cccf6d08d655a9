"""Where procedures live and how to find one by id: `--dir`, `PROCFLOW_PATH`, the project or
the bundled data.

The bundled procedures are found through `engine.base.paths`. The index reads each file just
far enough to know its id and title, and keeps that per directory (`check/index.py`) so an
unchanged file is not read again; it never checks a procedure (that is `validate`'s job) and
never prints.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from procflow.engine.base.errors import NotFoundError, UsageError
from procflow.engine.base.paths import SUFFIXES, data_dir, procedures_dir
from procflow.engine.base.project import Project, find_project
from procflow.engine.check.index import DirectoryIndex, Record
from procflow.engine.model.procedure import build_text

if TYPE_CHECKING:
    from procflow.engine.model.procedure import Text

PATH_VARIABLE = "PROCFLOW_PATH"


def procedure_files(directory: Path) -> list[Path]:
    """Every `*.yaml`/`*.yml` under `directory`, recursively, sorted; hidden folders skipped."""
    if not directory.is_dir():
        return []
    found: list[str] = []
    pending = [os.fspath(directory)]
    while pending:  # scandir: the kind of each entry comes with its name, no stat per file
        with contextlib.suppress(OSError), os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(SUFFIXES) and entry.is_file():
                    found.append(entry.path)
                elif not entry.name.startswith(".") and entry.is_dir():
                    pending.append(entry.path)
    return [Path(path) for path in sorted(found)]


@dataclass(frozen=True)
class Entry:
    """One procedure file as the index knows it; `origin` says which search directory it came from."""

    id: str
    path: Path
    origin: str
    title: Text
    source: str | None
    states: int


@dataclass(frozen=True)
class Catalog:
    """The procedures found, by id; the first directory searched wins a duplicate id."""

    entries: Mapping[str, Entry]
    shadowed: tuple[tuple[Entry, Entry], ...]  # (hidden, the one that wins)
    problems: tuple[str, ...]  # files that could not be indexed, one message each

    def find(self, procedure_id: str) -> Entry:
        """The entry for `procedure_id`; NotFoundError with "did you mean" otherwise."""
        if procedure_id in self.entries:
            return self.entries[procedure_id]
        message = f"no procedure with id {procedure_id!r}"
        import difflib  # only for an id not found

        close = difflib.get_close_matches(procedure_id, list(self.entries), n=3, cutoff=0.6)
        if close:
            message += "; did you mean " + " or ".join(repr(c) for c in close) + "?"
        elif not self.entries:
            message += "; no procedures were found (use --dir or PROCFLOW_PATH, or see `procflow where`)"
        else:
            message += "; `procflow list` shows the ids"
        if self.problems:
            message += f" ({len(self.problems)} file(s) could not be read; `procflow validate` says why)"
        raise NotFoundError(message)


PathLike = str | os.PathLike[str]


def search_dirs(
    extra: Sequence[PathLike] = (),
    environ: Mapping[str, str] | None = None,
    *,
    project: Project | None = None,
) -> list[tuple[Path, str]]:
    """Directories to search, in order: each `--dir`, each `PROCFLOW_PATH` entry, then the
    project's procedure directories (`project`, else the one found from the working directory),
    or the bundled set outside any project."""
    env = os.environ if environ is None else environ
    dirs: list[tuple[Path, str]] = []
    for raw in extra:
        dirs.append((_existing_dir(Path(raw), f"--dir {os.fspath(raw)!r}"), "--dir"))
    for raw in env.get(PATH_VARIABLE, "").split(os.pathsep):
        if raw.strip():
            dirs.append((_existing_dir(Path(raw), f"{PATH_VARIABLE} entry {raw!r}"), PATH_VARIABLE))
    dirs.extend(project_dirs(project or find_project(environ=env)))
    return dirs


def project_dirs(project: Project) -> list[tuple[Path, str]]:
    """The project's procedure directories with their origin (`project`), or the bundled set
    (`bundled`); a project directory that is the bundled one (this repository checking itself)
    counts as the bundled set."""
    if project.bundled:
        return [(procedures_dir(), "bundled")]
    shipped = data_dir("procedures").resolve()
    return [
        (procedures_dir(), "bundled") if directory.resolve() == shipped else (directory, "project")
        for directory in project.procedures
    ]


def _existing_dir(path: Path, what: str) -> Path:
    if not path.exists():
        raise UsageError(f"{what} does not exist; expected a directory of procedures")
    if not path.is_dir():
        raise UsageError(f"{what} is not a directory; expected a directory of procedures")
    return path


def build_catalog(
    extra: Sequence[PathLike] = (),
    environ: Mapping[str, str] | None = None,
    *,
    use_index: bool = True,
    project: Project | None = None,
) -> Catalog:
    """Index every procedure file in the search directories. With `use_index`, each directory's
    index is kept in the cache, so only files changed since the last run are read again."""
    files: list[tuple[Path, str]] = []
    owners: dict[Path, DirectoryIndex] = {}  # each file's index: the search directory it is under
    indexes = []
    searched: set[Path] = set()
    for directory, origin in search_dirs(extra, environ, project=project):
        real = directory.resolve()
        if real in searched:  # the same directory given twice, or the bundled set also on the path
            continue
        searched.add(real)
        index = DirectoryIndex(directory) if use_index else None
        for path in procedure_files(directory):
            files.append((path, origin))
            if index is not None:
                owners.setdefault(path, index)
        if index is not None:
            indexes.append(index)
    catalog = index_files(files, owners.get, resolved=False)
    for index in indexes:
        index.save()
    return catalog


def index_beside(directory: Path) -> Catalog:
    """The procedures directly in `directory` (not below it), through its kept index: the files
    beside one being shown, which may use them."""
    if not directory.is_dir():
        return Catalog({}, (), ())
    index = DirectoryIndex(directory)
    with os.scandir(directory) as entries:
        siblings = sorted(Path(e.path) for e in entries if e.name.endswith(SUFFIXES) and e.is_file())
    catalog = index_files(((p, "beside") for p in siblings), lambda _: index, resolved=False)
    index.save()
    return catalog


def index_files(
    files: Iterable[tuple[Path, str]],
    index_of: Callable[[Path], DirectoryIndex | None] = lambda _: None,
    *,
    resolved: bool = True,
) -> Catalog:
    """Index the given (path, origin) pairs, earlier ones winning a duplicate id. A file reached
    twice is indexed once: by its resolved path, or (`resolved=False`, when the caller already
    searched each real directory once) by the path as given."""
    entries: dict[str, Entry] = {}
    shadowed: list[tuple[Entry, Entry]] = []
    problems: list[str] = []
    seen: set[Path] = set()
    for path, origin in files:
        real = path.resolve() if resolved else path
        if real in seen:
            continue
        seen.add(real)
        index = index_of(path)
        record = _read_record(path) if index is None else index.record(path, _read_record)
        if "problem" in record:
            problems.append(str(record["problem"]))
            continue
        entry = Entry(
            id=record["id"],
            path=path,
            origin=origin,
            title=build_text(record["title"], "/title"),
            source=record["source"],
            states=record["states"],
        )
        if entry.id in entries:
            shadowed.append((entry, entries[entry.id]))
        else:
            entries[entry.id] = entry
    ordered = {key: entries[key] for key in sorted(entries)}
    return Catalog(ordered, tuple(shadowed), tuple(problems))


def _read_record(path: Path) -> Record:
    """What the index keeps of one file (JSON): its id, title, source and number of states, or
    why it is not listed."""
    # the YAML loader only for a file the index does not know as it is: `run ID` of an unchanged
    # file finds its path without it
    from procflow.engine.load.yamlio import LoadError, load_yaml

    try:
        data = load_yaml(path).data
    except LoadError as exc:
        return {"problem": str(exc.diagnostic)}
    proc_id = data.get("id")
    if not isinstance(proc_id, str) or not proc_id:
        return {"problem": f"{path}: no procedure `id`; the file is not listed"}
    raw_title = data.get("title")
    title_ok = isinstance(raw_title, str) or (
        isinstance(raw_title, dict) and raw_title and all(isinstance(v, str) for v in raw_title.values())
    )
    source = data.get("source")
    states = data.get("states")
    return {
        "id": proc_id,
        "title": raw_title if title_ok else proc_id,
        "source": source if isinstance(source, str) else None,
        "states": len(states) if isinstance(states, dict) else 0,
    }
