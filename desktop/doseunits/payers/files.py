"""Payer profile files: ``[[payer]]`` TOML tables read into Payer, validated on load."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from doseunits.errors import CatalogError
from doseunits.payers.model import Payer, PayerList
from doseunits.tomlfile import read_toml

_FLAGS = ("jw_billable", "jz_required", "line_per_ndc", "ndc_required")
_KEYS = {"id", "name", "source", "note", "modifier_340b", *_FLAGS}


def load_payers(files: Iterable[Path]) -> PayerList:
    by_id: dict[str, Payer] = {}
    for path in files:
        tables = read_toml(path, "Payer").get("payer")
        if not isinstance(tables, list) or not tables:
            raise CatalogError(f"Payer file {path} has no [[payer]] tables.")
        for index, table in enumerate(tables, start=1):
            if not isinstance(table, dict):  # payer = ["x"]: not a [[payer]] table
                raise CatalogError(f"Payer file {path}, payer #{index}: is not a [[payer]] table.")
            payer = _payer(path, index, table)
            by_id[payer.id] = payer
    return PayerList(tuple(by_id.values()))


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
