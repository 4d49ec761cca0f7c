"""One error type for everything a user can get wrong; its message names the file and line."""


class DataError(ValueError):
    """Bad training input: a missing file, a malformed line, an unknown tag, a mismatched label set."""
