"""The terminal interface: the click commands (`terminal.commands`, listed in its registry),
the operator's screen (`screen`), interactive and scripted runs (`interactive`, `scripted`),
the bodies of run/resume (`runs`) and of step/cancel/handoff (`steps`), and the listings
printed for status (`listings`), history and verify (`history`).

The only package that talks to a terminal; it calls desk services and never touches SQL or
`transitions` directly. `cli.py` owns the group and the error-to-exit policy.
"""
