"""What a station read on a vial's label: its container, with who and when.

The label in hand is the last word for that site: a confirmation overrides an imported
or hand-checked container there, and where it differs from a sourced fact (not
"unconfirmed"), that fact and its source are kept beside it (``container_disagreement``)
so ``catalog show`` can show both. Confirmations are kept one a line in a CSV file
(``ndc,container,by,at``) in the site's catalog folder; a later line for an NDC replaces
an earlier one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from doseunits.catalog.model import Container, Drug
from doseunits.catalog.ndc import Ndc
from doseunits.errors import CatalogError, InputError

HEADER = ("ndc", "container", "by", "at")
CONFIRMABLE: dict[str, Container] = {"single-dose": "single-dose", "multi-dose": "multi-dose"}
_INITIALS = re.compile(r"[A-Za-z][A-Za-z.\-' ]{0,15}")


@dataclass(frozen=True)
class Confirmation:
    ndc: Ndc
    container: Container
    by: str
    at: dt.datetime

    @property
    def source(self) -> str:
        return f"label checked at this site by {self.by} on {self.at.date().isoformat()}"


def confirmation(ndc: str, container: str, by: str, at: dt.datetime) -> Confirmation:
    """A confirmation from what was typed; one sentence naming what is wrong otherwise."""
    parsed = Ndc.parse(ndc)
    kind = CONFIRMABLE.get(container.strip())
    if kind is None:
        raise InputError(f"The container must be single-dose or multi-dose, not {container!r}.")
    initials = by.strip()
    if not _INITIALS.fullmatch(initials):
        raise InputError(
            f"Who checked the label (--by) must be initials or a name in letters, not {by!r}."
        )
    return Confirmation(parsed, kind, initials, at)


def read_confirmations(path: Path) -> list[Confirmation]:
    """The file's confirmations in order; none when it does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogError(f"Label confirmations {path} can't be read ({error}).") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(rows[0]) != HEADER:
        raise CatalogError(f"Label confirmations {path} do not start with {','.join(HEADER)}.")
    found = []
    for number, row in enumerate(rows[1:], start=2):
        try:
            ndc, container, by, at = row
            found.append(confirmation(ndc, container, by, dt.datetime.fromisoformat(at)))
        except (ValueError, InputError) as error:
            raise CatalogError(f"Label confirmations {path}, line {number}: {error}") from None
    return found


def confirmation_line(item: Confirmation) -> str:
    """One CSV line (no field can hold a comma, quote or formula: all are checked above)."""
    at = item.at.isoformat(timespec="seconds")
    return f"{item.ndc},{item.container},{item.by},{at}\n"


def apply_confirmations(
    drugs: Iterable[Drug], confirmations: Mapping[Ndc, Confirmation]
) -> tuple[Drug, ...]:
    """The drugs with each confirmed NDC's container replaced (unchanged drugs kept as
    they are, so identity holds for the rest)."""
    if not confirmations:
        return tuple(drugs)
    result = []
    confirmed = {str(ndc) for ndc in confirmations}  # a snapshot's drugs: read only if listed
    for drug in drugs:
        if confirmed.isdisjoint(drug.ndc_texts()):
            result.append(drug)
            continue
        try:
            listed = drug.presentations
        except CatalogError:  # a snapshot's drug that fails: it does wherever used
            result.append(drug)
            continue
        presentations = []
        for p in listed:
            found = confirmations.get(p.ndc)
            if found is None:
                presentations.append(p)
                continue
            disagreement = ""
            if p.container_confirmed and p.container != found.container:
                disagreement = f"{p.container} ({p.container_source or p.source})"
            presentations.append(
                replace(
                    p,
                    container=found.container,
                    container_source=found.source,
                    container_disagreement=disagreement,
                )
            )
        result.append(replace(drug, presentations=tuple(presentations)))
    return tuple(result)


def latest(confirmations: Iterable[Confirmation]) -> dict[Ndc, Confirmation]:
    """The last confirmation of each NDC (files read system site first, then the user's)."""
    return {c.ndc: c for c in confirmations}
