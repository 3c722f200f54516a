"""The catalog loader on large files: uniqueness checks, a snapshot's drugs read when
first used, linear loading (their speed: tests/test_benchmarks_catalog.py)."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from types import FrameType

import pytest

from catalog_helpers import snapshot_table, synthetic_snapshot, write_snapshot
from doseunits.catalog.confirm import apply_confirmations, confirmation
from doseunits.catalog.files import load_catalog
from doseunits.catalog.model import Drug, LazyDrug
from doseunits.catalog.ndc import Ndc
from doseunits.errors import CatalogError, InputError


def drug_table(number: int, ndcs: tuple[str, ...] = (), drug_id: str = "") -> str:
    """One synthetic [[drug]] table; NDCs use the made-up labelers 90000-99999 (tests only)."""
    labeler, product = 90000 + number // 10000, number % 10000
    ndcs = ndcs or (f"{labeler:05d}-{product:04d}-01", f"{labeler:05d}-{product:04d}-02")
    lines = [
        "[[drug]]",
        f'id = "{drug_id or f"drug-{number}"}"',
        f'name = "Drug {number}"',
        f'hcpcs = "J{product:04d}"',
        f'descriptor = "Injection, drug {number}, 10 mg"',
        'billing_unit_mg = "10"',
        "verified = false",
        'source = "synthetic test catalog"',
    ]
    for n, ndc in enumerate(ndcs, start=1):
        lines += [
            "[[drug.presentation]]",
            f'ndc = "{ndc}"',
            f'strength_mg = "{100 * n}"',
            f'volume_ml = "{10 * n}"',
            'container = "single-dose"',
        ]
    return "\n".join(lines) + "\n"


def synthetic_catalog(path: Path, drugs: int) -> Path:
    path.write_text("\n".join(drug_table(n) for n in range(drugs)), encoding="utf-8")
    return path


def test_an_ndc_twice_in_one_drug_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(drug_table(1, ("99999-0001-01", "99999-0001-01")), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"drug .drug-1.*99999-0001-01 is listed more"):
        load_catalog([path])


def test_an_ndc_in_two_drugs_names_the_earlier_one(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    text = drug_table(1) + drug_table(2, ("99999-0002-01", "90000-0001-02"))
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=r"drug 'drug-2'.*\(also in 'drug-1'\)"):
        load_catalog([path])


def test_an_id_twice_in_one_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(drug_table(1) + drug_table(2, drug_id="drug-1"), encoding="utf-8")
    with pytest.raises(CatalogError, match="drug 'drug-1' appears twice"):
        load_catalog([path])


def test_a_later_file_replaces_a_drug_and_its_ndcs(tmp_path: Path) -> None:
    """The same NDCs under the same id in a later file are a replacement, not a duplicate."""
    first = synthetic_catalog(tmp_path / "a.toml", 3)
    second = tmp_path / "b.toml"
    second.write_text(drug_table(1).replace("Drug 1", "Drug one"), encoding="utf-8")
    catalog = load_catalog([first, second])
    assert [d.name for d in catalog.drugs] == ["Drug 0", "Drug one", "Drug 2"]


def test_a_100000_drug_snapshot_loads_and_each_drug_is_read_when_used(tmp_path: Path) -> None:
    catalog = load_catalog([synthetic_snapshot(tmp_path / "site.json", 100_000)])
    assert len(catalog.drugs) == 100_000
    assert all(type(d) is LazyDrug for d in catalog.drugs)  # none read yet
    last = catalog.drugs[-1]
    assert repr(last) == "LazyDrug('drug-99999', not read yet)"  # a repr reads nothing
    assert catalog.search("90009-9999-02") == [last]  # the search needs no reading
    assert catalog.search("Drug 99999") == [last]
    drug = catalog.find("drug-99999")
    assert drug is last  # read now: the same entry, become a plain Drug
    assert type(drug) is Drug
    assert drug.billing_unit_mg == Decimal(10)
    assert [str(p.ndc) for p in drug.presentations] == ["90009-9999-01", "90009-9999-02"]
    assert [p.strength_mg for p in drug.presentations] == [Decimal(100), Decimal(200)]
    assert sum(type(d) is LazyDrug for d in catalog.drugs) == 99_999
    found = catalog.all_for_ndc(Ndc("90009", "9999", "01"))
    assert [(d.id, str(p.ndc)) for d, p in found] == [("drug-99999", "90009-9999-01")]


def _calls_to_load(path: Path) -> int:
    """Python and C function calls made while loading ``path`` (the time is not asserted:
    a count grows with the work, whatever the machine's load)."""
    calls = 0

    def count(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        calls += event in ("call", "c_call")

    sys.setprofile(count)
    try:
        load_catalog([path])
    finally:
        sys.setprofile(None)
    return calls


def test_loading_a_snapshot_is_linear_in_its_drugs(tmp_path: Path) -> None:
    small = _calls_to_load(synthetic_snapshot(tmp_path / "small.json", 2_000))
    large = _calls_to_load(synthetic_snapshot(tmp_path / "large.json", 20_000))
    assert 9 * small < large < 11 * small  # ten times the drugs: ten times the calls


def test_a_bad_drug_deep_in_a_snapshot_fails_where_used_and_in_a_full_check(
    tmp_path: Path,
) -> None:
    tables = [snapshot_table(n) for n in range(10_000)]
    tables[9_990]["presentation"][1]["strength"] = "12OO mg"  # type: ignore[index]
    path = write_snapshot(tmp_path / "site.json", tables)
    catalog = load_catalog([path])  # loads: the drug is read when first used
    problem = (
        f"Catalog file {path}, drug 'drug-9990', key 'presentation.strength': must be a "
        "number like 1050 or 72.5 (got '12OO mg')."
    )
    assert [d.id for d in catalog.search("drug 9990")] == ["drug-9990"]  # still listed
    for _ in range(2):  # each time, the same sentence
        with pytest.raises(InputError) as raised:
            catalog.find("drug-9990")
        assert (str(raised.value), raised.value.field) == (problem, "drug")
    bad = next(d for d in catalog.drugs if d.id == "drug-9990")
    with pytest.raises(CatalogError, match=r"key 'presentation\.strength'"):
        bad.presentations  # noqa: B018 (any fact it would bill with fails: it never bills)
    with pytest.raises(CatalogError, match=r"key 'presentation\.strength'"):
        bad.billing_unit_mg  # noqa: B018
    assert catalog.find("drug-9991").presentations[0].strength_mg == Decimal(100)
    with pytest.raises(CatalogError) as checked:
        load_catalog([path], check=True)  # the eager check finds it at load
    assert str(checked.value) == problem


def test_a_duplicate_ndc_in_a_snapshot_is_found_at_load(tmp_path: Path) -> None:
    tables = [snapshot_table(n) for n in range(5_000)]
    # 5-3-2 spelling of drug-1's first NDC, in another drug: the same NDC.
    tables[4_000]["presentation"][0]["ndc"] = "90000-001-01"  # type: ignore[index]
    with pytest.raises(CatalogError) as raised:
        load_catalog([write_snapshot(tmp_path / "site.json", tables)])
    assert str(raised.value) == (
        f"Catalog file {tmp_path / 'site.json'}, drug 'drug-4000', key 'presentation.ndc': "
        "NDC 90000-0001-01 is listed more than once (also in 'drug-1')."
    )


def test_an_ndc_under_two_codes_in_a_snapshot_is_kept_under_both(tmp_path: Path) -> None:
    tables = [snapshot_table(n) for n in range(3)]
    second = tables[2]["presentation"][0]  # type: ignore[index]
    second["ndc"] = "90000-0001-01"  # drug-1's, billed under J0001; drug-2 is J0002
    second["also_billed_under"] = ["J0001"]
    path = write_snapshot(tmp_path / "site.json", tables)
    catalog = load_catalog([path])
    both = catalog.all_for_ndc(Ndc("90000", "0001", "01"))
    assert [d.id for d, _ in both] == ["drug-1", "drug-2"]
    second["also_billed_under"] = []  # without it, the same NDC twice
    with pytest.raises(CatalogError, match=r"drug 'drug-2'.*\(also in 'drug-1'\)"):
        load_catalog([write_snapshot(path, tables)])


def test_a_snapshot_drug_the_picker_cannot_name_fails_the_file(tmp_path: Path) -> None:
    tables = [snapshot_table(n) for n in range(3)]
    tables[2]["hcpcs"] = "J12345"
    path = write_snapshot(tmp_path / "site.json", tables)
    with pytest.raises(CatalogError) as raised:
        load_catalog([path])
    assert str(raised.value) == (
        f"Catalog file {path}, drug 'drug-2', key 'hcpcs': 'J12345' is not a HCPCS code like J9022."
    )
    tables[2]["hcpcs"], tables[1]["name"] = "J0002", 12
    with pytest.raises(CatalogError, match="drug 'drug-1', key 'name': must be a text"):
        load_catalog([write_snapshot(path, tables)])
    tables[1]["name"], tables[2]["id"] = "Drug 1", "drug-1"
    with pytest.raises(CatalogError, match="drug 'drug-1' appears twice"):
        load_catalog([write_snapshot(path, tables)])


def test_a_label_confirmation_reads_only_the_drug_it_names(tmp_path: Path) -> None:
    tables = [snapshot_table(n) for n in range(1_000)]
    tables[500]["presentation"][1]["strength"] = "12OO mg"  # type: ignore[index]
    drugs = load_catalog([write_snapshot(tmp_path / "site.json", tables)]).drugs
    at = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)
    confirmed = {
        c.ndc: c
        for c in (
            confirmation("90000-0007-01", "single-dose", "AB", at),
            confirmation("90000-0500-01", "single-dose", "AB", at),  # the bad drug's
        )
    }
    result = apply_confirmations(drugs, confirmed)
    assert [type(d).__name__ for d in result].count("Drug") == 1  # drug-7, read and changed
    seven = result[7]
    assert (seven.id, seven.presentations[0].container) == ("drug-7", "single-dose")
    assert result[500] is drugs[500]  # the bad one as it was: it fails where used
    with pytest.raises(CatalogError, match="drug 'drug-500'"):
        result[500].presentations  # noqa: B018
