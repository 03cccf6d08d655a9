"""Accountability: violations (recorded, and read from breaches and overrides in the event
log), penalty ladders and the monthly report with its formatters.

May import the store, the site, the check pipeline, output helpers and the stages below.
"""
