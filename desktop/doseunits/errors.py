"""Errors a person can fix: each message is one sentence saying what to fix."""


class DoseUnitsError(Exception):
    """Base of every error the command line and the window show as a message."""


class InputError(DoseUnitsError):
    """Bad order input; ``field`` names the input it is about, so a window can mark it."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class CatalogError(DoseUnitsError):
    """A catalog file that can't be used; the message names file, drug and key."""


class TemplateError(DoseUnitsError):
    """A documentation template that can't be rendered."""
