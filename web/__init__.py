"""The web desk (`procflow serve`): the same procedures, desk services and role checks in a
browser, server-rendered (Starlette + Jinja2), htmx only for live updates.

A peer of the terminal and the language server: it calls desk services (`engine.desk`,
`engine.accountability`) and never the store package, SQL, YAML parsing or `transitions`
(import-linter says so). Pages register in `registry.py`; interface strings live in `strings/`.
Imported only by `procflow serve` and `procflow passwd`.
"""
