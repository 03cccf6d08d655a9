"""procflow: standard operating procedures as checked, executable state machines.

The package is the engine; `cli.py` beside it is the only place that talks to a terminal.
Importing `engine` must stay cheap: heavy modules (jsonschema, transitions) load on use.
"""

__version__ = "0.1.0"
