"""Pure formatters: diagnostics as text/JSON/GitHub annotations, procedures as printable SOPs
and diagrams, the layout writers and the fixed words around a procedure's text.

Functions from data to text; no files, no terminal. May import `engine.base` and `engine.model`.
"""
