"""An open text checked as `procflow validate` checks its file: the per-file stages on the
editor's text, then the project rules with the other files of its project, then the site file.

The other files are read from disk and kept while their size and time stamp stay the same.
The findings are the engine's Diagnostics, unchanged; `convert` turns them into LSP ones.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from procflow.engine.base.diagnostic import Diagnostic, sort_unique
from procflow.engine.check.crossfile import project_findings, site_findings
from procflow.engine.check.digest import make_digest
from procflow.engine.check.files import FileResult, check_document, check_path
from procflow.engine.load.yamlio import DEFAULT_MAX_BYTES, Document, LoadError, load_yaml_bytes
from procflow.engine.model.procedure import Procedure
from procflow.engine.site.sitefile import check_site, is_site
from procflow.lsp.index import Index, build_index
from procflow.lsp.project import Project, project_of


@dataclass
class Analysis:
    """What one version of an open text is: its tree (None when it does not load), its model
    (None when the schema check failed), its findings and (when first asked for) its names."""

    path: str
    text: str
    project: Project
    document: Document | None
    procedure: Procedure | None
    diagnostics: list[Diagnostic]

    @functools.cached_property
    def index(self) -> Index | None:
        """Built only when a feature needs it: the findings do not wait for it."""
        return None if self.document is None else build_index(self.document)


@dataclass
class DiskFiles:
    """Results of the project's files on disk, each kept until its size or time stamp changes."""

    results: dict[str, tuple[tuple[int, int], FileResult]] = field(default_factory=dict)
    texts: dict[str, tuple[str, FileResult, Document | None]] = field(default_factory=dict)

    def result(self, path: str) -> FileResult:
        try:
            stat = os.stat(path)
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = (0, 0)
        kept = self.results.get(path)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        fresh = check_path(path, max_bytes=DEFAULT_MAX_BYTES)
        self.results[path] = (stamp, fresh)
        return fresh

    def text_result(self, path: str, text: str) -> tuple[FileResult, Document | None]:
        """The result of another file's unsaved text (open in the editor), kept while it is the same."""
        kept = self.texts.get(path)
        if kept is not None and kept[0] == text:
            return kept[1], kept[2]
        document: Document | None = None
        try:
            loaded = load_yaml_bytes(text.encode("utf-8"), path, max_bytes=DEFAULT_MAX_BYTES)
        except LoadError as exc:
            result = FileResult(path, [exc.diagnostic], None)
        else:
            procedure, found = check_document(loaded)
            result = FileResult(path, found, None if procedure is None else make_digest(loaded.data))
            document = loaded
        self.texts[path] = (text, result, document)
        return result, document

    def others(
        self, project: Project, path: str, open_texts: Mapping[str, str], documents: dict[str, Document]
    ) -> list[FileResult]:
        """The project's other files: an open one as the editor has it (its tree added to
        `documents`), the rest as on disk."""
        out = []
        for other in project.procedures:
            if other == path:
                continue
            if other not in open_texts:
                out.append(self.result(other))
                continue
            result, document = self.text_result(other, open_texts[other])
            if document is not None:
                documents[other] = document
            out.append(result)
        return out


NOTHING_OPEN: Mapping[str, str] = MappingProxyType({})


def analyse(
    path: str,
    text: str,
    disk: DiskFiles,
    project: Project | None = None,
    open_texts: Mapping[str, str] = NOTHING_OPEN,
) -> Analysis:
    """Check the text of the file at `path` with its project (found from `path` when not given);
    the project's files open in the editor (`open_texts`, by path) are read as they are there."""
    project = project or project_of(path)
    try:
        document = load_yaml_bytes(text.encode("utf-8"), path, max_bytes=DEFAULT_MAX_BYTES)
    except LoadError as exc:
        return Analysis(path, text, project, None, None, [exc.diagnostic])
    if "procflow" not in document.data and is_site(document.data):
        own = check_site(document)
        mine = FileResult(path, own, None, site=True)
        documents = {path: document}
        others = disk.others(project, path, open_texts, documents)
        found = own + site_findings([*others, mine], DEFAULT_MAX_BYTES, documents)
        return Analysis(path, text, project, document, None, sort_unique(found))
    procedure, found = check_document(document)
    if procedure is not None:
        mine = FileResult(path, found, make_digest(document.data))
        documents = {path: document}
        others = disk.others(project, path, open_texts, documents)
        found = found + project_findings([mine, *others], DEFAULT_MAX_BYTES, None, documents)
    shown = [d for d in found if d.path == path]
    return Analysis(path, text, project, document, procedure, sort_unique(shown))
