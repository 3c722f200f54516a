"""Payer profiles: how a payer wants the lines, never how many units there are.

A profile decides whether the JW line is billed, whether JZ goes on the administered
line, whether each NDC gets its own line, and which modifier marks 340B-acquired drug.
Shipped in ``resources/payers/*.toml``; a site adds or overrides by ``id`` with
``payers/*.toml`` in its config folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from doseunits.core.errors import CatalogError, InputError
from doseunits.core.resources import resource
from doseunits.core.site import config_dir
from doseunits.core.tomlfile import read_toml

_FLAGS = ("jw_billable", "jz_required", "line_per_ndc", "ndc_required")
_KEYS = {"id", "name", "source", "note", "modifier_340b", *_FLAGS}
DEFAULT_PAYER = "medicare-part-b"


@dataclass(frozen=True)
class Payer:
    id: str
    name: str
    jw_billable: bool
    jz_required: bool
    line_per_ndc: bool
    ndc_required: bool
    modifier_340b: str
    source: str
    note: str = ""

    # The billing engine and the claim audit both ask these two, so a profile means
    # the same thing to a new claim and to a billed one.
    def jw_line_units(self, discarded_units: int) -> int:
        """Units on the JW line: the discarded units, or none when this payer doesn't pay
        for discarded drug (they are still documented in the note)."""
        return discarded_units if self.jw_billable else 0

    def uses_jz(self, rules_say_jz: bool) -> bool:
        """JZ on the administered line: when the rules say so and this payer asks for it."""
        return rules_say_jz and self.jz_required


#: The rules of DOMAIN.md §3 exactly, for an order that names no payer.
MEDICARE_RULES = Payer(
    id=DEFAULT_PAYER, name="Medicare Part B", jw_billable=True, jz_required=True,
    line_per_ndc=False, ndc_required=False, modifier_340b="TB", source="CMS JW/JZ policy",
)  # fmt: skip


@dataclass(frozen=True)
class PayerList:
    payers: tuple[Payer, ...]

    def find(self, name: str) -> Payer:
        """By id or by name, case-insensitive."""
        key = name.strip().casefold()
        for payer in self.payers:
            if key in (payer.id.casefold(), payer.name.casefold()):
                return payer
        known = ", ".join(p.id for p in self.payers)
        raise InputError(f"No payer profile {name.strip()!r}; known profiles: {known}.", "payer")


def shipped_payer_files() -> list[Path]:
    return sorted(resource("payers").glob("*.toml"))


def site_payer_files() -> list[Path]:
    return sorted((config_dir() / "payers").glob("*.toml"))


def load_payers(files: Iterable[Path]) -> PayerList:
    by_id: dict[str, Payer] = {}
    for path in files:
        tables = read_toml(path, "Payer").get("payer")
        if not isinstance(tables, list) or not tables:
            raise CatalogError(f"Payer file {path} has no [[payer]] tables.")
        for index, table in enumerate(tables, start=1):
            payer = _payer(path, index, table)
            by_id[payer.id] = payer
    return PayerList(tuple(by_id.values()))


def load_default_payers(extra: Sequence[Path] = ()) -> PayerList:
    return load_payers([*shipped_payer_files(), *site_payer_files(), *extra])


def _payer(path: Path, index: int, table: Mapping[str, object]) -> Payer:
    ident = table.get("id")
    where = f"payer {ident!r}" if isinstance(ident, str) else f"payer #{index}"

    def fail(key: str, problem: str) -> CatalogError:
        return CatalogError(f"Payer file {path}, {where}, key {key!r}: {problem}.")

    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise fail(unknown[0], "unknown key (a typo?)")
    texts = {}
    for key in ("id", "name", "source", "note", "modifier_340b"):
        value = table.get(key, "" if key == "note" else None)
        if not isinstance(value, str) or (key != "note" and not value.strip()):
            raise fail(key, "missing or not a text")
        texts[key] = value.strip()
    if not re.fullmatch(r"[A-Z0-9]{2}", texts["modifier_340b"]):
        raise fail("modifier_340b", "must be a two-character modifier like TB")
    flags = {}
    for key in _FLAGS:
        value = table.get(key)
        if not isinstance(value, bool):
            raise fail(key, "must be true or false")
        flags[key] = value
    return Payer(
        id=texts["id"], name=texts["name"], source=texts["source"], note=texts["note"],
        modifier_340b=texts["modifier_340b"], **flags,
    )  # fmt: skip
