"""The terminal interface: the click commands (`terminal.commands`), the interactive and
scripted runs, and the listings printed for status, history and verify.

The only package that talks to a terminal; it calls desk services and never touches SQL or
`transitions` directly. `cli.py` registers its commands and owns the error-to-exit policy.
"""
