"""Which files an open procedure is checked with: its project, found from its path.

Until procflow has a project file, a file's project is the nearest ancestor directory that
holds `procedures/`; outside any such directory the file is checked alone. Kept in this one
module so that project discovery can replace it. Reads directory listings only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from procflow.engine.base.paths import sources_dir as bundled_sources
from procflow.engine.check.pipeline import collect_paths

SITE_NAME = "procflow.yaml"


@dataclass(frozen=True)
class Project:
    """A project root and what lives there; `root` None: a file checked alone."""

    root: Path | None
    procedures: tuple[str, ...]  # every procedure file checked with the open one
    site: str | None  # the project's site file, when it has one
    sources: Path  # the clause index that hover quotes


def project_of(path: str) -> Project:
    """The project of the file at `path` (which need not exist on disk yet)."""
    here = Path(os.path.abspath(path))  # as the editor names it: the same path in every finding
    for directory in here.parents:
        procedures = directory / "procedures"
        if procedures.is_dir():
            files = tuple(collect_paths([str(procedures)])) if _has_yaml(procedures) else ()
            site = directory / SITE_NAME
            sources = directory / "sources"
            return Project(
                directory,
                files,
                str(site) if site.is_file() else None,
                sources if sources.is_dir() else bundled_sources(),
            )
    return Project(None, (), None, bundled_sources())


def _has_yaml(directory: Path) -> bool:
    return any(directory.rglob("*.y*ml"))
