"""Stage 1, load: a file's bytes to plain data with the position of every node.

Bounded reads, UTF-8 only, YAML 1.2 scalars, duplicate keys refused. May import `engine.base`.
"""
