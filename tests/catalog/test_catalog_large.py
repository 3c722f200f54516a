"""The catalog loader's uniqueness checks (their speed: tests/test_benchmarks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from doseunits.catalog.files import load_catalog
from doseunits.errors import CatalogError


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
