"""Desk services: what every interface (terminal, web, editor) calls to work with instances.

Starting and stepping instances, status, history and verify, the agenda, people and roles.
May import everything in `engine` below it; never prints, prompts or exits.
"""
