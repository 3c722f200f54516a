"""The window's Site leaves a snapshot that can't be used as a whole out (and says why);
the command line's fails with the sentence naming it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from catalog_helpers import snapshot_table, write_snapshot
from doseunits.app.catalog_update import confirm_label
from doseunits.app.folders import catalog_folder
from doseunits.app.site import Site, load_usable_snapshots
from doseunits.errors import CatalogError
from snapshot_helpers import (
    SHIPPED_CODE,
    shipped_ndc_under_the_same_code,
    site_snapshot,
    truncated,
)

KEYTRUDA_100 = "00006-3026-02"  # in the shipped CMS-built snapshot


def test_a_later_snapshot_repeating_an_earlier_ones_ndc_is_left_out(tmp_path: Path) -> None:
    first = write_snapshot(tmp_path / "first.json", [snapshot_table(n) for n in range(3)])
    again = snapshot_table(7)
    again["presentation"][0]["ndc"] = "90000-0001-02"  # type: ignore[index]
    second = write_snapshot(tmp_path / "second.json", [again])
    third = write_snapshot(tmp_path / "third.json", [snapshot_table(9)])
    left_out: list[str] = []
    catalog = load_usable_snapshots([first, second, third], left_out)
    assert [d.id for d in catalog.drugs] == ["drug-0", "drug-1", "drug-2", "drug-9"]
    assert catalog.files == (first, third)
    assert left_out == [
        f"Catalog file {second}, drug 'drug-7', key 'presentation.ndc': NDC 90000-0001-02 is "
        f"listed more than once (also in 'drug-1'). DoseUnits left {second} out and bills from "
        "the rest of its catalog (the hand-checked drugs and the other catalog files); import "
        "the CMS files again, or ask whoever keeps the site's files to correct it."
    ]


def test_only_the_window_leaves_a_broken_snapshot_out() -> None:
    path = site_snapshot()
    problem = shipped_ndc_under_the_same_code(path)
    strict = Site.load().catalog
    with pytest.raises(CatalogError, match=re.escape(problem)):
        strict.load()
    with pytest.raises(CatalogError, match=re.escape(problem)):  # asked again, said again
        strict.find(SHIPPED_CODE)
    lenient = Site.load(leave_out_broken=True).catalog
    assert not lenient.loaded  # nothing read before it is needed
    assert lenient.find(SHIPPED_CODE).id == "a9589"  # the shipped one, the site's left out
    assert len(lenient.left_out) == 1
    assert lenient.left_out[0].startswith(f"Catalog file {path}, drug 'cysview-site'")
    assert "cysview-site" not in {d.id for d in lenient.drugs}


def test_a_label_confirmed_keeps_saying_which_file_was_left_out() -> None:
    truncated(site_snapshot())
    catalog = Site.load(leave_out_broken=True).catalog
    confirmed, _, _ = confirm_label(catalog, KEYTRUDA_100, "single-dose", "AB", catalog_folder())
    assert len(catalog.left_out) == 1
    assert confirmed.left_out == catalog.left_out  # Help > Catalog still lists it
