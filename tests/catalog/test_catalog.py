"""The shipped catalog and the validation of any catalog file."""

from __future__ import annotations

from pathlib import Path

import pytest

from doseunits.app.site import load_default_catalog
from doseunits.catalog.files import load_catalog
from doseunits.catalog.model import Catalog
from doseunits.catalog.ndc import Ndc
from doseunits.errors import CatalogError

GOOD = """
[[drug]]
id = "site-drug"
name = "Site drug"
hcpcs = "J9999"
descriptor = "Site drug, 5 mg"
billing_unit_mg = 5
verified = false
source = "site pharmacy"
[[drug.presentation]]
ndc = "99999-0001-01"
strength_mg = 100.5
volume_ml = "10"
container = "multi-dose"
"""


def write(tmp_path: Path, text: str, name: str = "site.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_drug_of_domain_section_2_is_shipped(catalog: Catalog) -> None:
    codes = {d.id: (d.hcpcs, str(d.billing_unit_mg)) for d in catalog.drugs}
    assert codes == {
        "atezolizumab": ("J9022", "10"),
        "sacituzumab-govitecan": ("J9317", "2.5"),
        "rituximab-hyaluronidase": ("J9311", "10"),
        "rituximab": ("J9312", "10"),
        "bevacizumab": ("J9035", "10"),
        "trastuzumab": ("J9355", "10"),
        "nivolumab": ("J9299", "1"),
    }


def test_every_fact_has_a_source(catalog: Catalog) -> None:
    for drug in catalog.drugs:
        assert drug.source
        assert drug.reviewed is not None
        for presentation in drug.presentations:
            assert presentation.source, (drug.id, presentation.ndc)


def test_unconfirmed_facts_are_marked_unverified(catalog: Catalog) -> None:
    unverified = {str(p.ndc) for d in catalog.drugs for p in d.presentations if not p.verified}
    assert unverified == {"50242-0051-21", "50242-0053-06", "50242-0132-01"}
    assert not catalog.find("trastuzumab").verified


def test_atezolizumab_is_j9022_and_j9317_is_sacituzumab(catalog: Catalog) -> None:
    assert catalog.find("J9022").id == "atezolizumab"
    assert catalog.find("j9317").id == "sacituzumab-govitecan"
    assert "J9317" in catalog.find("atezolizumab").note
    assert [d.id for d in catalog.search("J9317")] == ["sacituzumab-govitecan"]


def test_search_by_name_code_and_ndc(catalog: Catalog) -> None:
    assert [d.id for d in catalog.search("tecentriq")] == ["atezolizumab"]
    assert [d.id for d in catalog.search("50242091801")] == ["atezolizumab"]
    assert [d.id for d in catalog.search("0003-3734")] == ["nivolumab"]
    assert catalog.find("50242-0918-01").id == "atezolizumab"


def test_search_puts_the_drug_named_exactly_first(catalog: Catalog) -> None:
    assert [d.id for d in catalog.search("rituximab")] == ["rituximab", "rituximab-hyaluronidase"]
    assert [d.id for d in catalog.search("Rituximab and hyaluronidase")] == [
        "rituximab-hyaluronidase"
    ]
    backwards = Catalog(tuple(reversed(catalog.drugs)))  # the exact one comes last
    assert [d.id for d in backwards.search("rituximab")] == [
        "rituximab", "rituximab-hyaluronidase"
    ]  # fmt: skip
    assert backwards.search("J9312")[0].id == "rituximab"
    # Names that start with the text come before those that only contain it.
    assert backwards.search("ritux")[0].id == "rituximab-hyaluronidase"
    assert [d.id for d in backwards.search("hyaluronidase")] == ["rituximab-hyaluronidase"]
    assert catalog.search("mab")[0].id == "atezolizumab"  # catalog order


def test_site_catalog_adds_and_overrides_by_id(tmp_path: Path) -> None:
    override = GOOD.replace('id = "site-drug"', 'id = "atezolizumab"').replace("0001", "0002")
    catalog = load_default_catalog([write(tmp_path, GOOD), write(tmp_path, override, "b.toml")])
    site = catalog.find("site-drug")
    assert str(site.presentations[0].strength_mg) == "100.5"  # exact, not a float
    assert catalog.find("atezolizumab").name == "Site drug"
    assert len(catalog.drugs) == 8


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (('hcpcs = "J9999"', 'hcpcs = "9999"'), "key 'hcpcs'"),
        (("billing_unit_mg = 5", "billing_unit_mg = 0"), "key 'billing_unit_mg'"),
        (
            ("billing_unit_mg = 5", 'billing_unit_mg = "five"'),
            "must be a number like 1050 or 72.5 (got 'five')",
        ),
        (("verified = false", 'verified = "no"'), "key 'verified'"),
        (('container = "multi-dose"', 'container = "vial"'), "presentation.container"),
        (('ndc = "99999-0001-01"', 'ndc = "123"'), "presentation.ndc"),
        (('source = "site pharmacy"', 'sauce = "x"'), "key 'sauce': unknown key"),
        (('volume_ml = "10"', 'volume_ml = "-1"'), "presentation.volume_ml"),
        (("[[drug.presentation]]", "[drug.other]"), "key 'other'"),
        (('name = "Site drug"', "name = 5"), "key 'name'"),
    ],
)
def test_bad_catalogs_name_file_drug_and_key(
    tmp_path: Path, change: tuple[str, str], words: str
) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(CatalogError) as caught:
        load_catalog([path])
    message = str(caught.value)
    assert str(path) in message
    assert words in message
    assert "site-drug" in message or "drug #1" in message


def test_not_toml_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not valid TOML"):
        load_catalog([write(tmp_path, "[[drug]\nid=")])
    with pytest.raises(CatalogError, match="does not exist"):
        load_catalog([tmp_path / "nope.toml"])
    with pytest.raises(CatalogError, match=r"no \[\[drug\]\] tables"):
        load_catalog([write(tmp_path, "title = 'x'\n")])


def test_an_ndc_listed_twice_is_refused(tmp_path: Path) -> None:
    twice = GOOD.replace('"99999-0001-01"', '"50242-0917-01"')
    with pytest.raises(CatalogError, match="50242-0917-01 is listed more than once"):
        load_default_catalog([write(tmp_path, twice)])


@pytest.mark.parametrize(
    ("text", "eleven"),
    [
        ("50242-917-01", "50242091701"),
        ("50242-0917-01", "50242091701"),
        ("0003-3734-13", "00003373413"),
        ("12345-6789-1", "12345678901"),
        ("50242091701", "50242091701"),
    ],
)
def test_ndc_forms(text: str, eleven: str) -> None:
    assert Ndc.parse(text).eleven == eleven
    assert str(Ndc.parse(text)) == f"{eleven[:5]}-{eleven[5:9]}-{eleven[9:]}"


def test_the_note_dates_the_billed_drugs_own_entry(catalog: Catalog) -> None:
    """A site entry reviewed later does not make an older entry look freshly reviewed."""
    import dataclasses
    import datetime as dt
    from decimal import Decimal

    from conftest import TODAY
    from doseunits.app.site import load_template
    from doseunits.engine.billing import compute
    from doseunits.engine.order import DoseOrder
    from doseunits.outputs.note import render_note

    old = dataclasses.replace(catalog.find("atezolizumab"), reviewed=dt.date(2025, 3, 1))
    new = dataclasses.replace(catalog.find("nivolumab"), reviewed=dt.date(2026, 11, 1))
    mixed = Catalog((old, new))
    assert mixed.reviewed == dt.date(2025, 3, 1)  # every entry reviewed on or after it
    assert Catalog((old, dataclasses.replace(new, reviewed=None))).reviewed is None
    note = render_note(compute(DoseOrder(old, TODAY, dose_mg=Decimal(1050))), load_template())
    assert "from catalog reviewed 2025-03-01." in note
    undated = dataclasses.replace(old, reviewed=None)
    note = render_note(compute(DoseOrder(undated, TODAY, dose_mg=Decimal(1050))), load_template())
    assert "from catalog reviewed (unknown)." in note
