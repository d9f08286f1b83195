"""The library's exceptions. The CLI turns each into one line on stderr and exit code 2."""


class AnalyzerError(Exception):
    """Base class: a problem the user can fix (bad input, bad option, bad catalogue)."""


class InputError(AnalyzerError):
    """An input file cannot be read or has no usable alert columns."""


class CatalogueError(AnalyzerError):
    """The error catalogue (packaged or --catalogue) is invalid."""


class UsageError(AnalyzerError):
    """An option value is invalid."""
