"""Authoring tools: scenarios (`procflow test`) and traceability to the source documents
(`procflow trace`).

May import the check pipeline, the runtime and the stages below them; never prints.
"""
