"""Checking many files: the validate pipeline, cross-file checks, the catalog of procedures,
and the speed machinery (the result cache, compact digests for project rules, worker processes).

Runs load -> schema -> model -> rules per file. May import every stage below it; never prints.
"""
