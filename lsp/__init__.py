"""The editor interface: `procflow lsp`, a language server over stdio (pygls).

A peer of the terminal at the edge: it checks what the author types with the same check
pipeline as `validate` and answers completion, hover, navigation, rename and code actions.
Its stdout is the protocol, so nothing here prints; it imports the engine, never the terminal.
`server` wires the features; `workspace` keeps the open texts; the other modules are pure.
"""
