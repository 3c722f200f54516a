"""Payer profile files: ``[[payer]]`` TOML tables read into Payer, validated on load."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import get_args

from doseunits.errors import CatalogError
from doseunits.payers.model import BY_ENTITY, JZ_POLICIES, Payer, PayerList, PowderUnit
from doseunits.tomlfile import read_toml

_FLAGS = ("jw_billable", "line_per_ndc", "ndc_required")
_OPTIONAL_FLAGS = ("kp_kq",)
#: Files from before the three JZ policies say ``jz_required = true`` ("required") or
#: ``false`` (read as "not-used": what DoseUnits did with it then); never both keys.
_OLD_JZ = "jz_required"
_KEYS = {"id", "name", "source", "note", "modifier_340b", "jz_policy", _OLD_JZ, "powder_unit",
         *_FLAGS, *_OPTIONAL_FLAGS}  # fmt: skip


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
    if texts["modifier_340b"] != BY_ENTITY and not re.fullmatch(
        r"[A-Z0-9]{2}", texts["modifier_340b"]
    ):
        raise fail(
            "modifier_340b",
            f'must be a two-character modifier like UD, or "{BY_ENTITY}" (JG or TB by the '
            "site's 340B entity type and the date of service)",
        )
    flags = {}
    for key in (*_FLAGS, *_OPTIONAL_FLAGS):
        value = table.get(key, False if key in _OPTIONAL_FLAGS else None)
        if not isinstance(value, bool):
            raise fail(key, "must be true or false")
        flags[key] = value
    policy = table.get("jz_policy")
    old = table.get(_OLD_JZ)
    if policy is not None and old is not None:
        raise fail(_OLD_JZ, "give jz_policy or the older jz_required, not both")
    if policy is None:
        if not isinstance(old, bool):
            raise fail("jz_policy", 'missing: "required", "optional" or "not-used"')
        policy = "required" if old else "not-used"
    if policy not in JZ_POLICIES:
        raise fail("jz_policy", 'must be "required", "optional" or "not-used"')
    raw_unit = table.get("powder_unit", "UN")
    if raw_unit not in get_args(PowderUnit):
        raise fail("powder_unit", 'must be "UN" (vials) or "ML"')
    powder_unit: PowderUnit = "UN" if raw_unit == "UN" else "ML"
    return Payer(
        id=texts["id"], name=texts["name"], source=texts["source"], note=texts["note"],
        modifier_340b=texts["modifier_340b"], jz_policy=policy, powder_unit=powder_unit,
        **flags,
    )  # fmt: skip
