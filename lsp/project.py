"""Which files an open procedure is checked with: its project, found from the file's directory
as `procflow validate` finds it from the working directory (`engine.base.project`: a
`procflow.toml`, else a `procedures/` directory, here or above). Outside any project the file
is checked alone. Reads directory listings and the project file only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from procflow.engine.base.paths import sources_dir as bundled_sources
from procflow.engine.base.project import PROJECT_VARIABLE, ProjectFileError, find_project
from procflow.engine.base.project import Project as Found
from procflow.engine.check.pipeline import collect_paths


@dataclass(frozen=True)
class Project:
    """A project root and what lives there; `root` None: a file checked alone."""

    root: Path | None
    procedures: tuple[str, ...]  # every procedure file checked with the open one
    site: str | None  # the project's site file, when it has one
    sources: Path  # the clause index that hover quotes
    found: Found | None = None  # as engine.base.project found it: where `use` names are looked up


def project_of(path: str) -> Project:
    """The project of the file at `path` (which need not exist on disk yet)."""
    here = Path(os.path.abspath(path)).parent  # as the editor names it: the same path in every finding
    # the file's own place decides, not a project the editor's environment names
    environ = {k: v for k, v in os.environ.items() if k != PROJECT_VARIABLE}
    try:
        found = find_project(here, environ=environ)
    except ProjectFileError:  # its own finding comes from `validate`; here the file is checked alone
        return Project(None, (), None, bundled_sources())
    if found.root is None:
        return Project(None, (), None, bundled_sources(), found)
    directories = [str(d) for d in found.procedures if d.is_dir() and _has_yaml(d)]
    files = tuple(collect_paths(directories)) if directories else ()
    site = found.site.path
    if site is not None and not site.is_absolute():
        site = here / site
    sources = found.sources if found.sources is not None and found.sources.is_dir() else bundled_sources()
    return Project(
        found.root, files, str(site) if site is not None and site.is_file() else None, sources, found
    )


def _has_yaml(directory: Path) -> bool:
    return any(directory.rglob("*.y*ml"))
