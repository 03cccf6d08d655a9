"""The pages, one module per family, each listed in `registry.MODULES`: a page function takes
a `Context` and returns a response; it calls desk services and renders a template."""
