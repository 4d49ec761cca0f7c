"""The one exception type the package raises for bad input."""


class LocalizeError(ValueError):
    """Bad input to the localizer: unknown anchor word, unreadable vectors, malformed entities."""
