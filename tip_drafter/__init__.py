"""tipdraft: draft a post's TIP report submission from a YAML country file."""

__version__ = "0.1.0"
