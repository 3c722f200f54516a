"""Container types read from labels: one ``[[label]]`` per NDC, each with its source.

CMS's crosswalk does not say single-dose or multi-dose, so the shipped catalog's imported
NDCs start "unconfirmed" (docs/billing-rules.md §3.6a). resources/catalog/labels/
containers.toml holds what an FDA record or a label says for an NDC, quoted
(``evidence``), with where it was read (``source``) and when (``checked``); the catalog
build (``catalog.build``) gives it to the imported presentations of that NDC. A fact is
only as good as its quote, so the reader checks that the quote names the container
(``SINGLE-DOSE`` / ``SINGLE-USE`` for single-dose, ``MULTI-DOSE`` / ``MULTIPLE-DOSE`` for
multi-dose) and never the other kind. Every error is one sentence naming file and key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from doseunits.catalog.model import Container
from doseunits.catalog.ndc import Ndc
from doseunits.errors import CatalogError, DoseUnitsError
from doseunits.tomlfile import read_toml

_KEYS = frozenset({"ndc", "hcpcs", "container", "volume_ml", "source", "evidence", "checked"})
_CONTAINERS: dict[str, Container] = {"single-dose": "single-dose", "multi-dose": "multi-dose"}
# The words a quote must hold for each kind (an FDA package description spells the
# container "VIAL, SINGLE-DOSE", older listings "VIAL, SINGLE-USE"; labels say
# "single-dose vial", "multiple-dose vial").
_WORDS: dict[Container, re.Pattern[str]] = {
    "single-dose": re.compile(r"single[- ](dose|use)", re.IGNORECASE),
    "multi-dose": re.compile(r"multi(ple)?[- ]dose", re.IGNORECASE),
}
_HCPCS = re.compile(r"[A-Z]\d{4}")
_MAX_TEXT = 400


@dataclass(frozen=True)
class LabelContainer:
    """What one record says of one NDC's container."""

    ndc: Ndc
    hcpcs: str  # the code the NDC is billed under (a typo in the NDC then shows)
    container: Container
    source: str
    evidence: str
    checked: dt.date
    volume_ml: Decimal | None = None

    @property
    def container_source(self) -> str:
        """What ``catalog show`` gives as the container's source."""
        return f'{self.source}, checked {self.checked.isoformat()}: "{self.evidence}"'


def read_label_containers(path: Path) -> tuple[LabelContainer, ...]:
    """The file's labels in order; a CatalogError of one sentence on any bad entry."""
    return parse_label_containers(read_toml(path, "Label"), path)


def parse_label_containers(data: Mapping[str, object], path: Path) -> tuple[LabelContainer, ...]:
    extra = sorted(set(data) - {"label"})
    if extra:
        raise CatalogError(f"Label file {path}, key {extra[0]!r}: unknown key (a typo?).")
    tables = data.get("label")
    if not isinstance(tables, list) or not tables:
        raise CatalogError(f"Label file {path}, key 'label': at least one [[label]] is needed.")
    found: list[LabelContainer] = []
    seen: dict[Ndc, int] = {}
    for number, table in enumerate(tables, start=1):
        entry = _Entry(path, number, table).read()
        if entry.ndc in seen:
            raise CatalogError(
                f"Label file {path}, label #{number} ({entry.ndc}), key 'ndc': "
                f"the NDC is already given by label #{seen[entry.ndc]}."
            )
        seen[entry.ndc] = number
        found.append(entry)
    return tuple(found)


class _Entry:
    def __init__(self, path: Path, number: int, table: object) -> None:
        self.path = path
        self.number = number
        self.table: Mapping[str, object] = table if isinstance(table, dict) else {}
        ndc = self.table.get("ndc")
        self.where = f"label #{number}" + (f" ({ndc})" if isinstance(ndc, str) else "")
        if not isinstance(table, dict):
            raise self.fail("label", "must be a table")

    def fail(self, key: str, problem: str) -> CatalogError:
        return CatalogError(f"Label file {self.path}, {self.where}, key {key!r}: {problem}.")

    def read(self) -> LabelContainer:
        unknown = sorted(set(self.table) - _KEYS)
        if unknown:
            raise self.fail(unknown[0], "unknown key (a typo?)")
        try:
            ndc = Ndc.parse(self.text("ndc"))
        except DoseUnitsError as error:
            raise self.fail("ndc", str(error).rstrip(".")) from None
        hcpcs = self.text("hcpcs")
        if not _HCPCS.fullmatch(hcpcs):
            raise self.fail("hcpcs", f"{hcpcs!r} is not a HCPCS code like J9271")
        container = _CONTAINERS.get(self.text("container"))
        if container is None:
            raise self.fail("container", "must be 'single-dose' or 'multi-dose'")
        evidence = self.text("evidence")
        if not _WORDS[container].search(evidence):
            raise self.fail("evidence", f"does not say {container} (quote the record's words)")
        other: Container = "multi-dose" if container == "single-dose" else "single-dose"
        if _WORDS[other].search(evidence):
            raise self.fail("evidence", f"also says {other}: which is it?")
        checked = self.table.get("checked")
        if type(checked) is not dt.date:
            raise self.fail("checked", "must be a date like 2026-12-02")
        return LabelContainer(
            ndc=ndc,
            hcpcs=hcpcs,
            container=container,
            source=self.text("source"),
            evidence=evidence,
            checked=checked,
            volume_ml=self.volume(),
        )

    def text(self, key: str) -> str:
        value = self.table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "missing or not a text" if value is None else "must be a text")
        if len(value) > _MAX_TEXT or "\n" in value:
            raise self.fail(key, f"must be one line of at most {_MAX_TEXT} characters")
        return value.strip()

    def volume(self) -> Decimal | None:
        if "volume_ml" not in self.table:
            return None
        value = self.table["volume_ml"]
        try:
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                raise InvalidOperation
            volume = Decimal(value)
        except InvalidOperation:
            volume = Decimal(0)
        if not volume.is_finite() or not 0 < volume <= 10_000 or volume != round(volume, 3):
            raise self.fail("volume_ml", f'must be mL like "4" or "2.4" (got {value!r})')
        return volume
