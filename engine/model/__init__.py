"""Stage 3, model: the typed, immutable procedure, its texts and its guards.

Built from data that passed the schema check; guards are parsed against an allow-list, never
evaluated with `eval`. May import `engine.base`.
"""
