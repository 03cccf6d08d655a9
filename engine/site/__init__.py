"""The site file: one organisation's parameter values, people and roles, and calendar.

Found, loaded and checked like a procedure (schema, then rules with stable C-codes, those that
need the procedures registered like the procedure rules). May import `engine.base`,
`engine.load`, `engine.schema`, `engine.model` and `engine.rules`.
"""
