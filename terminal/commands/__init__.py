"""The `procflow` subcommands, one module per family; `cli.py` registers them on its group.

Modules here talk to the terminal (click) and import engine modules inside each command, so
that `procflow --help` imports nothing heavy.
"""
