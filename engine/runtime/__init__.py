"""Running one instance: the compiled `transitions` machine, the session and its routing, the
event journal and replay, the operator's view, typed answers, due times, scripted drivers.

No terminal I/O and no store: a session emits events, the desk saves them. May import
`engine.base`, `engine.load` and `engine.model`; only `machine` imports transitions.
"""
