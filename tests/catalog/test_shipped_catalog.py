"""The shipped catalog built from CMS's October 2025 crosswalk (resources/catalog/*.json,
made by packaging/build_catalog.py), merged with the hand-checked drugs."""

from __future__ import annotations

import importlib.util
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from doseunits.app.catalog_store import snapshot_text
from doseunits.app.site import Site, load_site_catalog, shipped_catalog_files, shipped_snapshots
from doseunits.catalog.build import HAND_CHECKED, TOO_LARGE, build_from_crosswalk
from doseunits.catalog.files import load_catalog
from doseunits.catalog.importers.files import read_crosswalk
from doseunits.catalog.labels import read_label_containers
from doseunits.catalog.model import Catalog
from doseunits.catalog.ndc import Ndc
from doseunits.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
CROSSWALK = ROOT / "resources" / "cms" / "2025-10-asp-ndc-hcpcs-crosswalk.csv"
LABELS = ROOT / "resources" / "catalog" / "labels" / "containers.toml"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    catalog = load_site_catalog()
    catalog.load()
    return catalog


def test_the_committed_snapshot_is_what_the_build_makes() -> None:
    """packaging/build_catalog.py run on resources/cms gives the committed file, byte for byte."""
    hand_checked = load_catalog(shipped_catalog_files())
    labels = read_label_containers(LABELS)
    built = build_from_crosswalk(read_crosswalk(CROSSWALK), hand_checked.drugs, labels)
    (snapshot,) = shipped_snapshots()
    assert snapshot.name == "cms-2025-10.json"
    assert snapshot.read_text(encoding="utf-8") == snapshot_text(built)
    assert (built.codes, built.ndcs) == (723, 5988)
    left_out = {
        r: sum(1 for s in built.left_out if s.reason == r) for r in (TOO_LARGE, HAND_CHECKED)
    }
    assert left_out == {TOO_LARGE: 37, HAND_CHECKED: 12}
    assert built.disagreements == ()  # every hand-checked NDC agrees with CMS


def test_every_code_is_hcpcs_level_ii_and_mass_or_units(shipped: Catalog) -> None:
    assert len(shipped.drugs) == 730  # 723 built + the 7 hand-checked
    assert all(re.fullmatch(r"[A-Z]\d{4}", d.hcpcs) for d in shipped.drugs)
    assert {d.measure.symbol for d in shipped.drugs} == {"mg", "mcg", "units"}
    assert len({d.hcpcs for d in shipped.drugs}) == 730
    assert shipped.sources == ("CMS ASP NDC-HCPCS crosswalk, in force 2025-10-01 to 2025-12-31",)


def test_hand_checked_facts_win(shipped: Catalog) -> None:
    atezolizumab = shipped.find("J9022")
    assert atezolizumab.id == "atezolizumab"
    assert not atezolizumab.imported
    assert [str(p.volume_ml) for p in atezolizumab.presentations] == ["20", "14"]
    assert [d.id for d in shipped.search("50242-0917-01")] == ["atezolizumab"]


def test_imported_facts_say_where_they_come_from(shipped: Catalog) -> None:
    keytruda = shipped.find("J9271")
    assert (keytruda.imported, keytruda.name, str(keytruda.billing_unit)) == (
        True, "Keytruda", "1 mg",
    )  # fmt: skip
    carton = keytruda.presentation(Ndc.parse("00006-3026-04"))
    assert carton is not None
    assert (str(carton.strength), carton.items_per_package) == ("100 mg", 2)
    # The crosswalk's line stays the source of the amount; the container is the label's
    # (resources/catalog/labels/containers.toml).
    assert (carton.container, carton.volume_ml) == ("single-dose", Decimal("4"))
    assert carton.source.startswith("CMS crosswalk line 6191: 00006-3026-04 under J9271")
    assert carton.container_source.startswith("DailyMed KEYTRUDA label, set id 9333c79b")
    assert carton.container_source.endswith('in a single-dose vial"')
    # Without a label record naming its container, an imported NDC stays unconfirmed:
    # openFDA lists Jemperli 500 mg as "1 VIAL in 1 CARTON", no container word.
    jemperli = shipped.find("J9272").presentation(Ndc.parse("00173-0898-03"))
    assert jemperli is not None
    assert (jemperli.container, jemperli.volume_ml, jemperli.container_source) == (
        "unconfirmed", None, "",
    )  # fmt: skip


def test_an_ndc_under_two_codes_is_in_the_picker_under_both(shipped: Catalog) -> None:
    doubles = [
        (p.ndc, d.hcpcs) for d in shipped.drugs for p in d.presentations if p.also_billed_under
    ]
    assert doubles
    ndc, code = doubles[0]
    codes = {d.hcpcs for d, _ in shipped.all_for_ndc(ndc)}
    assert code in codes
    assert len(codes) >= 2
    assert {d.hcpcs for d in shipped.search(str(ndc))} == codes


def test_the_site_loads_the_big_part_only_when_needed() -> None:
    site = Site.load()
    assert not site.catalog.loaded
    assert site.catalog.find("atezolizumab").hcpcs == "J9022"  # the ready part answers
    assert not site.catalog.loaded
    assert site.catalog.find("pembrolizumab").hcpcs == "J9271"  # by its descriptor
    assert site.catalog.loaded


def calc_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["calc", *args, "--date", "2025-11-03", "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    result: dict[str, Any] = json.loads(out)
    return result


@pytest.mark.parametrize(
    ("drug", "dose", "vial", "units", "measure"),
    [
        # CMS: a Jemperli 500 mg vial is 50 units of 10 mg (its container is not on
        # record; Keytruda's is now, see tests/catalog/test_label_containers.py).
        ("J9272", "500", "00173-0898-03x1", 50, "mg"),
        ("carboplatin", "450", "450x1", 9, "mg"),  # J9045, 50 mg
        ("J9041", "2.6", "3.5x1", 26, "mg"),  # bortezomib, 0.1 mg: a 3.5 mg vial is 35
        ("J1442", "480", "480x1", 480, "mcg"),  # filgrastim, 1 mcg
        ("J0885", "10000", "10000x1", 10, "units"),  # epoetin alfa, 1000 units
    ],
)
def test_a_newcomer_bills_from_the_shipped_catalog(
    capsys: pytest.CaptureFixture[str], drug: str, dose: str, vial: str, units: int, measure: str
) -> None:
    result = calc_json(capsys, "--drug", drug, "--dose", dose, "--vial", vial)
    assert [(line["modifiers"], line["units"]) for line in result["lines"]] == [([], units)]
    assert result["drug"]["measure"] == measure
    texts = (
        " ".join(result["warnings"])
        if isinstance(result["warnings"][0], str)
        else json.dumps(result["warnings"])
    )
    assert "single-dose: JW/JZ apply; multi-dose: neither" in texts


def test_a_search_for_the_generic_name_finds_the_code(shipped: Catalog) -> None:
    assert [d.hcpcs for d in shipped.search("pembrolizumab")] == ["J9271"]
    assert "J9045" in {d.hcpcs for d in shipped.search("carboplatin")}
    assert [d.hcpcs for d in shipped.search("0006-3026-04")] == ["J9271"]  # 4-4-2
    assert [d.hcpcs for d in shipped.search("0006302604")] == ["J9271"]  # 10 digits
    assert [d.hcpcs for d in shipped.search("00006302604")] == ["J9271"]  # 11 digits


def test_the_build_script_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_catalog", ROOT / "packaging" / "build_catalog.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUTPUT", tmp_path / "cms.json")
    assert module.main() == 0
    assert (tmp_path / "cms.json").read_bytes() == shipped_snapshots()[0].read_bytes()
