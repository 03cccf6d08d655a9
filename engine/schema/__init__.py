"""Stage 2, schema: is the loaded data shaped as `schemas/procedure.schema.json` says?

The shipped generated validator answers fast; jsonschema explains an invalid file in the house
voice. May import `engine.base` and `engine.load`.
"""
