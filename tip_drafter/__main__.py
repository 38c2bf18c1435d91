"""``python -m tip_drafter``: the ``tipdraft`` command."""

from .cli import run

run()
