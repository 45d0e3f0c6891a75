"""Report sections: one module each, with ``build(context) -> Section | None``."""
