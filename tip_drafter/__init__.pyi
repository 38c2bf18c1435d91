"""The types of the library's entry points, which ``__init__.py`` imports on first use."""

from .api import Checked as Checked
from .api import Result as Result
from .api import check as check
from .api import check_data as check_data
from .api import check_text as check_text
from .api import render as render
from .api import write as write
from .errors import Code as Code
from .errors import Diagnostic as Diagnostic
from .errors import InvalidCountryFile as InvalidCountryFile
from .errors import Place as Place
from .errors import Severity as Severity
from .errors import TipDraftError as TipDraftError
from .errors import label as label
from .importing.text import ImportedCable as ImportedCable
from .importing.text import import_cable_text as import_cable_text
from .options import Options as Options

__version__: str
__all__: list[str]
