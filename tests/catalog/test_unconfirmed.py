"""Catalog facts the CMS files leave open: the container, the volume, items per package,
and an NDC under two codes (docs/billing-rules.md §6 for how they are billed)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from doseunits.catalog.files import load_catalog
from doseunits.catalog.ndc import Ndc
from doseunits.errors import CatalogError

DATA = Path(__file__).resolve().parents[1] / "data"
UNCONFIRMED = DATA / "unconfirmed.toml"


def test_an_imported_presentation_has_no_volume_and_an_unconfirmed_container() -> None:
    (drug,) = load_catalog([UNCONFIRMED]).drugs
    single, carton = drug.presentations
    assert single.volume_ml is None
    assert single.mg_per_ml is None
    assert single.ml_for(Decimal(50)) is None
    assert single.container == "unconfirmed"
    assert not single.container_confirmed
    assert not single.single_dose
    assert (single.items_per_package, carton.items_per_package) == (1, 2)
    assert carton.strength_mg == 100  # one vial of the carton: vial counts count vials
    assert carton.label == ("100 mg vial (2 in the package; volume and container not confirmed)")
    assert drug.imported


def table(**presentation: object) -> str:
    lines = [
        "[[drug]]", 'id = "x"', 'name = "X"', 'hcpcs = "J9271"',
        'descriptor = "Injection, pembrolizumab, 1 mg"', 'billing_unit = "1 mg"',
        "verified = true", 'source = "test"', "[[drug.presentation]]",
        'ndc = "00006-3026-02"', 'strength = "100 mg"',
    ]  # fmt: skip
    lines += [f"{key} = {json.dumps(value)}" for key, value in presentation.items()]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("presentation", "message"),
    [
        ({"container": "unknown"}, "'single-dose', 'multi-dose' or 'unconfirmed'"),
        ({"container": "unconfirmed", "items_per_package": 0}, "whole number of items"),
        ({"container": "unconfirmed", "items_per_package": 1.5}, "whole number of items"),
        ({"container": "unconfirmed", "also_billed_under": ["9271"]}, "list of HCPCS codes"),
        ({"container": "single-dose", "volume_ml": "0"}, "volume_ml.*above 0"),
    ],
)
def test_bad_new_keys_name_the_key(
    tmp_path: Path, presentation: dict[str, object], message: str
) -> None:
    path = tmp_path / "site.toml"
    path.write_text(table(**presentation), encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_catalog([path])


def two_codes(also: str) -> str:
    """One made-up NDC (99999-0000-01) under J1111 and J2222, as CMS lists 64 real ones."""
    drugs = []
    for code in ("J1111", "J2222"):
        other = "J2222" if code == "J1111" else "J1111"
        drugs.append(
            "\n".join(
                [
                    "[[drug]]",
                    f'id = "{code.lower()}"',
                    f'name = "Drug {code}"',
                    f'hcpcs = "{code}"',
                    'descriptor = "Injection, drug, 1 mg"',
                    'billing_unit = "1 mg"',
                    "verified = false",
                    'source = "test"',
                    "[[drug.presentation]]",
                    'ndc = "99999-0000-01"',
                    'strength = "10 mg"',
                    'container = "unconfirmed"',
                    f'also_billed_under = ["{other}"]'
                    if also == "both" or (also == "one" and code == "J2222")
                    else "",
                ]
            )
        )
    return "\n".join(drugs) + "\n"


@pytest.mark.parametrize("also", ["both", "one"])
def test_an_ndc_under_two_codes_is_kept_under_both(tmp_path: Path, also: str) -> None:
    path = tmp_path / "site.toml"
    path.write_text(two_codes(also), encoding="utf-8")
    catalog = load_catalog([path])
    ndc = Ndc.parse("99999-0000-01")
    assert [d.hcpcs for d, _ in catalog.all_for_ndc(ndc)] == ["J1111", "J2222"]
    assert [d.hcpcs for d in catalog.search("99999-0000-01")] == ["J1111", "J2222"]


def test_an_ndc_under_two_codes_must_say_so(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(two_codes("none"), encoding="utf-8")
    with pytest.raises(CatalogError, match="listed more than once"):
        load_catalog([path])
