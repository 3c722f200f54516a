"""Errors a person can fix: each message is one sentence saying what to fix."""

from __future__ import annotations

from typing import Literal

#: The fields of the order as typed (engine/draft.py ``OrderDraft``) that an input error
#: or a warning can point at; the window marks the widget of each by this name.
OrderField = Literal[
    "drug", "date", "dose", "dose_per_kg", "weight", "max_dose", "administered", "vials",
    "lots", "payer",
]  # fmt: skip
#: What an input error is about: a field of the order, a scanned barcode (the window's
#: scan line, not part of the order), or nothing in particular ("").
InputField = OrderField | Literal["scan", ""]


class DoseUnitsError(Exception):
    """Base of every error the command line and the window show as a message."""


class InputError(DoseUnitsError):
    """Bad order input; ``field`` names the input it is about, so a window can mark it."""

    def __init__(self, message: str, field: InputField = "") -> None:
        super().__init__(message)
        self.field: InputField = field


class CatalogError(DoseUnitsError):
    """A catalog file that can't be used; the message names file, drug and key."""


class TemplateError(DoseUnitsError):
    """A documentation template that can't be rendered."""
