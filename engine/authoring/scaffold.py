"""`procflow new`: the text of a new procedure, or of a copy of another under a new id, with a
modeline that lets an editor find the schema from where the file is written.

Pure text and path arithmetic; the terminal writes the file. A new procedure validates clean
(with `--strict`): both languages stubbed, a role on its acting state, one way to the end.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from procflow.engine.base.errors import UsageError

ID_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")  # the schema's `procedureId`
MAX_ID = 80
MODELINE = "# yaml-language-server: $schema="

TEMPLATE = """\
{modeline}
procflow: 1
id: {id}
title: {{zh-Hant: "新程序 {id}", en: "New procedure {id}"}}
languages: [zh-Hant, en]
roles:
  operator: {{zh-Hant: "承辦人", en: "Operator"}}
initial: start
states:
  start:
    title: {{zh-Hant: "開始", en: "Start"}}
    role: operator
    do:
      - {{zh-Hant: "第一件要做的事", en: "The first thing to do"}}
    say:
      - {{zh-Hant: "要說的話", en: "What to say"}}
    next: done
  done:
    title: {{zh-Hant: "完成", en: "Done"}}
    final: true
"""


def check_id(ident: str) -> str:
    """`ident` when it is a valid procedure id; a usage error that says why otherwise."""
    if len(ident) > MAX_ID:
        raise UsageError(f"procedure id {ident[:MAX_ID]!r}... is longer than {MAX_ID} characters")
    if not ID_PATTERN.fullmatch(ident):
        raise UsageError(
            f"procedure id {ident!r} is not valid; expected lowercase letters, digits and hyphens, "
            "starting with a letter (e.g. `hotel-visitor-reception`)"
        )
    return ident


def modeline(target: Path, schema: Path, root: Path | None) -> str:
    """The yaml-language-server modeline for a file written at `target`: a path relative to the
    file when the schema lies inside `root` (the project, or this repository), so the project
    can move; else the schema's `file:` URL, which works on this machine."""
    real_schema = schema.resolve()
    if root is not None and real_schema.is_relative_to(root.resolve()):
        relative = os.path.relpath(real_schema, target.parent.resolve())
        return MODELINE + Path(relative).as_posix()
    return MODELINE + real_schema.as_uri()


def new_text(ident: str, line: str) -> str:
    """A new procedure `ident` that validates clean, starting with the modeline `line`."""
    return TEMPLATE.format(modeline=line, id=check_id(ident))


def copy_text(text: str, old_id: str, new_id: str, line: str) -> str:
    """The text of procedure `old_id` under the id `new_id`: its `id:` line changed, its
    modeline replaced by `line` (or added), everything else (comments too) kept."""
    check_id(new_id)
    pattern = re.compile(rf"^id:[ \t]*([\"']?){re.escape(old_id)}\1[ \t]*(#.*)?$", re.M)
    if len(pattern.findall(text)) != 1:
        raise UsageError(f"cannot find the one top-level `id: {old_id}` line to change in the copy")
    text = pattern.sub(f"id: {new_id}", text, count=1)
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith(MODELINE):
        lines[0] = line + "\n"
    else:
        lines.insert(0, line + "\n")
    return "".join(lines)
