"""The site file: one organisation's parameter values, people and roles, and calendar.

Found, loaded and checked like a procedure (schema, then rules with stable C-codes). May import
`engine.base`, `engine.load`, `engine.schema` and `engine.model`.
"""
