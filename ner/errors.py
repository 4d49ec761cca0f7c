"""The one exception type of the package."""


class NerError(ValueError):
    """Bad input or an unusable model; the message is one line meant for the user."""
