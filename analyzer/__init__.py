"""analyzer: Dynamics 365 server-side synchronization mailbox-alert exports in, answers out.

Library first: ``analyse(paths, Options(...))`` returns plain data; ``cli.py`` is a thin shell.
"""
__version__ = "0.1.0"

from .api import Analysis, Options, analyse  # noqa: E402
from .errors import AnalyzerError, CatalogueError, InputError, UsageError  # noqa: E402

__all__ = ["Analysis", "AnalyzerError", "CatalogueError", "InputError", "Options", "UsageError", "analyse",
           "__version__"]
