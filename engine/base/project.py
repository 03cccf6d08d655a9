"""Project discovery: which procedures, scenarios, sources and site file a command works on.

`PROCFLOW_PROJECT`, else the nearest `procflow.toml` or `procedures/` directory found going up
from the working directory (stopping at the first directory holding `.git`), else the bundled
set. Each path comes with why it was chosen. Reads only `procflow.toml`; never prints.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from procflow.engine.base.errors import EXIT_PROJECT, ProcflowError, UsageError
from procflow.engine.base.paths import data_dir

PROJECT_FILE = "procflow.toml"
PROJECT_VARIABLE = "PROCFLOW_PROJECT"
SITE_VARIABLE = "PROCFLOW_SITE"
SITE_FILE = "procflow.yaml"
KEYS = {"procedures": list, "scenarios": list, "sources": str, "site": str}
CONVENTION = {"procedures": "procedures", "scenarios": "scenarios", "sources": "sources"}


class ProjectFileError(ProcflowError):
    """A `procflow.toml` that cannot be read: one message at its file:line:col."""

    exit_code = EXIT_PROJECT


class Chosen(NamedTuple):
    """One path in use and why: `flag`, `environment`, `project file`, `convention`, `default`."""

    path: Path | None
    why: str
    detail: str = ""  # the flag, variable or file:line that chose it


class Project(NamedTuple):
    """The set a command works on. `root` is None for the bundled set (outside any project)."""

    root: Path | None
    file: Path | None
    why: Chosen
    procedures: tuple[Path, ...]
    scenarios: tuple[Path, ...]
    sources: Path | None
    site: Chosen
    reasons: Mapping[str, Chosen] = MappingProxyType({})  # procedures, scenarios, sources

    @property
    def bundled(self) -> bool:
        return self.root is None

    def label(self) -> str:
        """What a summary says was checked: `project ROOT` or `bundled`."""
        return "bundled" if self.root is None else f"project {_shown(self.root)}"


def find_project(
    start: str | os.PathLike[str] | None = None,
    *,
    bundled: bool = False,
    site_flag: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Project:
    """The project for a command run in `start` (the working directory): see the module's doc.
    `bundled` (the `--bundled` flag) skips the search. A malformed project file raises
    ProjectFileError."""
    env = os.environ if environ is None else environ
    try:
        here = Path(start if start is not None else os.getcwd()).absolute()
    except OSError:  # the working directory was removed under the command
        raise UsageError("the working directory no longer exists; cd to your project") from None
    if bundled:
        return _bundled(Chosen(None, "flag", "--bundled"), here, site_flag, env)
    named = env.get(PROJECT_VARIABLE, "").strip()
    if named:
        given = Path(named).expanduser()
        if given.is_file():
            return _from_file(
                given, Chosen(given.parent, "environment", PROJECT_VARIABLE), here, site_flag, env
            )
        if not given.is_dir():
            raise ProjectFileError(
                f"{PROJECT_VARIABLE} {named!r} is neither a directory nor a {PROJECT_FILE}"
            )
        return _at(given, Chosen(given, "environment", PROJECT_VARIABLE), here, site_flag, env)
    for directory in (here, *here.parents):
        if (directory / PROJECT_FILE).is_file() or (directory / CONVENTION["procedures"]).is_dir():
            return _at(
                directory, Chosen(directory, "found", _found_how(directory, here)), here, site_flag, env
            )
        if (directory / ".git").exists():  # the top of a repository: a project does not reach above it
            break
    return _bundled(
        Chosen(None, "default", "no procflow.toml or procedures/ here or above"), here, site_flag, env
    )


def _found_how(directory: Path, here: Path) -> str:
    what = PROJECT_FILE if (directory / PROJECT_FILE).is_file() else "procedures/"
    return f"{what} in the working directory" if directory == here else f"{what} in {directory}"


def _at(root: Path, why: Chosen, here: Path, site_flag: str | None, env: Mapping[str, str]) -> Project:
    file = root / PROJECT_FILE
    if file.is_file():
        return _from_file(file, why, here, site_flag, env)
    reasons = {
        key: Chosen(root / name, "convention", f"{name}/ in the project") for key, name in CONVENTION.items()
    }
    site = _site(site_flag, env, here, root, None)
    return _project(root, None, why, reasons, site)


def _from_file(file: Path, why: Chosen, here: Path, site_flag: str | None, env: Mapping[str, str]) -> Project:
    root = file.parent
    table = read_project_file(file)
    reasons: dict[str, Chosen] = {}
    for key, name in CONVENTION.items():
        if key in table:
            where = f"{file}:{_key_line(file, key)}"
            values = table[key]
            reasons[key] = (
                Chosen(root / values[0], "project file", where)
                if values
                else Chosen(None, "project file", where)
            )
            if key != "sources":
                for extra, value in enumerate(values[1:], 1):
                    reasons[f"{key}.{extra}"] = Chosen(root / value, "project file", where)
        else:
            reasons[key] = Chosen(root / name, "convention", f"{name}/ in the project")
    site_given = table.get("site")
    named = (
        Chosen(root / site_given[0], "project file", f"{file}:{_key_line(file, 'site')}")
        if site_given
        else None
    )
    return _project(root, file, why, reasons, _site(site_flag, env, here, root, named))


def _project(root: Path, file: Path | None, why: Chosen, reasons: dict[str, Chosen], site: Chosen) -> Project:
    def several(key: str) -> tuple[Path, ...]:
        return tuple(c.path for k, c in reasons.items() if (k == key or k.startswith(key + ".")) and c.path)

    sources = reasons["sources"].path
    return Project(root, file, why, several("procedures"), several("scenarios"), sources, site, reasons)


def _bundled(why: Chosen, here: Path, site_flag: str | None, env: Mapping[str, str]) -> Project:
    reasons = {
        key: Chosen(data_dir(name), "bundled", "shipped with procflow") for key, name in CONVENTION.items()
    }
    site = _site(site_flag, env, here, None, None)
    return Project(
        None,
        None,
        why,
        (data_dir("procedures"),),
        (data_dir("scenarios"),),
        data_dir("sources"),
        site,
        reasons,
    )


def _site(
    flag: str | None, env: Mapping[str, str], here: Path, root: Path | None, named: Chosen | None
) -> Chosen:
    """`--site`, else PROCFLOW_SITE, else the project file's `site`, else `procflow.yaml` in
    the working directory, else in the project's root; none is fine."""
    if flag:
        return Chosen(Path(flag), "flag", "--site")
    if env.get(SITE_VARIABLE):
        return Chosen(Path(env[SITE_VARIABLE]), "environment", SITE_VARIABLE)
    if named is not None:
        return named
    if (here / SITE_FILE).is_file():
        return Chosen(Path(SITE_FILE), "default", f"{SITE_FILE} in the working directory")
    if root is not None and (root / SITE_FILE).is_file():
        return Chosen(root / SITE_FILE, "default", f"{SITE_FILE} in the project")
    return Chosen(None, "default", "none: no --site, PROCFLOW_SITE or procflow.yaml")


def read_project_file(file: Path) -> dict[str, list[str]]:
    """The checked table of a `procflow.toml`: known keys with the right types, every path
    relative and inside the project, each value as a list (one path for `sources` and `site`).
    One ProjectFileError at file:line:col otherwise."""
    import tomllib  # only with a project file: `run` without one starts faster

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise ProjectFileError(f"{file}: cannot read the project file: {reason}") from None
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line, col = (int(found[1]), int(found[2])) if found else (text.count("\n") + 1, 1)
        reason = re.sub(r"\s*\(at [^)]*\)$", "", message)
        raise ProjectFileError(f"{file}:{line}:{col}: not valid TOML: {reason.lower()}") from None
    checked: dict[str, list[str]] = {}
    for key, value in table.items():
        line = _key_line(file, key, text)
        if key not in KEYS:
            import difflib  # only for an unknown key

            close = difflib.get_close_matches(key, list(KEYS), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "expected " + ", ".join(sorted(KEYS))
            raise ProjectFileError(f"{file}:{line}:1: unknown key {key!r} in the project file; {hint}")
        expected = KEYS[key]
        items = value if isinstance(value, list) else [value]
        if (expected is list and not isinstance(value, list | str)) or not all(
            isinstance(v, str) for v in items
        ):
            kind = "a path or a list of paths" if expected is list else "a path"
            raise ProjectFileError(f"{file}:{line}:1: {key!r} must be {kind} (a quoted string)")
        if expected is str and isinstance(value, list):
            raise ProjectFileError(f"{file}:{line}:1: {key!r} must be one path, not a list")
        if not items:
            raise ProjectFileError(
                f"{file}:{line}:1: {key!r} is an empty list; name at least one path or leave it out"
            )
        for item in items:
            if not item.strip() or Path(item).is_absolute() or ".." in Path(item).parts:
                raise ProjectFileError(
                    f"{file}:{line}:1: {key!r} path {item!r} must be relative and inside the project"
                )
        checked[key] = list(items)
    return checked


def _key_line(file: Path, key: str, text: str | None = None) -> int:
    """The line where `key =` is written (1 when it cannot be found)."""
    if text is None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return 1
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return 1


def _shown(path: Path) -> str:
    """Relative to the working directory when below it (`.` for the directory itself)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel
