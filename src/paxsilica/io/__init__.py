"""Readers and writers of outside formats; each ``read_*`` returns a DataFrame."""
