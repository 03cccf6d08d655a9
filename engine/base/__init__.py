"""Leaves: what every stage shares and nothing in procflow is below.

Diagnostics, the engine's errors with their exit codes, durations, the clock and the work
calendar, paths of bundled data and caches, and what procflow reads from its environment.
Modules here import only the standard library (and platformdirs, lazily) and each other.
"""
