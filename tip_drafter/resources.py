"""Where the package's own files are: the bundled editions, the country table and the templates."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).parent  # tip_drafter/, installed or in a checkout
EDITIONS = PACKAGE / "editions"  # the questionnaire editions tipdraft ships
DATA = PACKAGE / "data"  # the country table
PACKAGE_TEMPLATES = PACKAGE / "templates"  # where a wheel installs the templates
SOURCE_TEMPLATES = PACKAGE.parent / "templates"  # where a source checkout has them
