"""procflow's engine: standard operating procedures as checked, executable state machines.

One sub-package per stage of the pipeline (load -> schema -> model -> rules -> check, then
runtime -> store) and per concern built on it (desk services, authoring, accountability,
output); `docs/architecture.md` lists every module. The engine never prints, prompts or exits:
`procflow.terminal` and `procflow.cli` talk to people. Importing it must stay cheap.
"""

__version__ = "0.1.0"
