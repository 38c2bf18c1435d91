"""The date-time group, ``201555Z FEB 09``: a value on ``datetime``, read and printed one way."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# The form, for the JSON Schema too: ECMA-262 and Python alike (no named groups).
FORM = r"(\d{2})(\d{2})(\d{2})Z (" + "|".join(MONTHS) + r") (\d{2})"  # unanchored, to find one in a line
PATTERN = f"^{FORM}$"
EXAMPLE = "201555Z FEB 09"
_FORM = re.compile(PATTERN)


@dataclass(frozen=True, order=True)
class DateTimeGroup:
    """When a cable was sent, to the minute, in UTC."""

    when: dt.datetime

    @classmethod
    def parse(cls, text: str) -> DateTimeGroup:
        """``201555Z FEB 09`` as a value; ValueError if it is not of that form or no real time
        (``301555Z FEB 09``)."""
        if not _FORM.match(text):
            raise ValueError(f"{text!r} is not a date-time group (DDhhmmZ MON YY, e.g. {EXAMPLE})")
        # the month by number: %b would follow the process's locale
        numeric = f"{text[:6]} {MONTHS.index(text[8:11]) + 1:02d} {text[12:]}"
        return cls(dt.datetime.strptime(numeric, "%d%H%M %m %y").replace(tzinfo=dt.UTC))

    @classmethod
    def read(cls, text: object) -> DateTimeGroup | None:
        """The date-time group ``text`` is, or None (a draft's ``TBD``, or not a real time)."""
        try:
            return cls.parse(text.strip()) if isinstance(text, str) else None
        except ValueError:
            return None

    @classmethod
    def new_year(cls, year: int) -> DateTimeGroup:
        """Midnight on the first of January of ``year``."""
        return cls(dt.datetime(year, 1, 1, tzinfo=dt.UTC))

    def __str__(self) -> str:
        return f"{self.when:%d%H%M}Z {MONTHS[self.when.month - 1]} {self.when:%y}"

    @property
    def julian(self) -> str:
        """The DE line's day of the year and time: ``0511555``."""
        return f"{self.when.timetuple().tm_yday:03d}{self.when:%H%M}"

    @property
    def iso(self) -> str:
        """As a W3C date: ``2009-02-20T15:55:00Z``."""
        return f"{self.when:%Y-%m-%dT%H:%M:%S}Z"

    @property
    def epoch(self) -> int:
        """Seconds since 1970."""
        return int(self.when.timestamp())

    @property
    def year(self) -> int:
        """The year it was sent."""
        return self.when.year


def looks_like(text: object) -> bool:
    """Whether ``text`` has the form of a date-time group, real or not."""
    return isinstance(text, str) and bool(_FORM.match(text.strip()))
