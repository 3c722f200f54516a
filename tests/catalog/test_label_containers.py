"""Container types confirmed from labels (resources/catalog/labels/containers.toml): the
reader, the shipped catalog build that applies them, and what ``calc`` then bills."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from doseunits.app.site import load_site_catalog, shipped_catalog_files
from doseunits.catalog.build import HAND_CHECKED, build_from_crosswalk
from doseunits.catalog.files import load_catalog
from doseunits.catalog.importers.files import read_crosswalk
from doseunits.catalog.labels import LabelContainer, read_label_containers
from doseunits.catalog.model import Catalog
from doseunits.catalog.ndc import Ndc
from doseunits.cli.main import main
from doseunits.errors import CatalogError

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "resources" / "catalog" / "labels" / "containers.toml"
CROSSWALK = ROOT / "resources" / "cms" / "2025-10-asp-ndc-hcpcs-crosswalk.csv"

GOOD = """
[[label]]
ndc = "00006-3026-02"
hcpcs = "J9271"
container = "single-dose"
volume_ml = "4"
source = "openFDA NDC Directory record, product 0006-3026"
evidence = "1 VIAL, SINGLE-DOSE in 1 CARTON"
checked = 2026-12-02
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "containers.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_entry_reads(tmp_path: Path) -> None:
    (label,) = read_label_containers(write(tmp_path, GOOD))
    assert (label.ndc, label.hcpcs, label.container, str(label.volume_ml)) == (
        Ndc.parse("00006-3026-02"), "J9271", "single-dose", "4",
    )  # fmt: skip
    assert label.container_source == (
        "openFDA NDC Directory record, product 0006-3026, checked 2026-12-02: "
        '"1 VIAL, SINGLE-DOSE in 1 CARTON"'
    )


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ('container = "single-dose"', 'container = "unconfirmed"', "container", "must be"),
        ('container = "single-dose"', 'container = "multi-dose"', "evidence", "does not say"),
        ('ndc = "00006-3026-02"', 'ndc = "6-3026"', "ndc", "NDC"),
        ('hcpcs = "J9271"', 'hcpcs = "pembro"', "hcpcs", "not a HCPCS code"),
        ('hcpcs = "J9271"\n', "", "hcpcs", "missing"),
        ("checked = 2026-12-02", 'checked = "yesterday"', "checked", "must be a date"),
        ("checked = 2026-12-02", "checked = 2026-12-02T10:00:00", "checked", "must be a date"),
        ('volume_ml = "4"', 'volume_ml = "-4"', "volume_ml", "must be mL"),
        ('volume_ml = "4"', "volume_ml = 4.5", "volume_ml", "must be mL"),
        ('volume_ml = "4"', 'volume_ml = "four"', "volume_ml", "must be mL"),
        ('volume_ml = "4"', 'volume = "4"', "volume", "unknown key"),
        ('source = "openFDA', 'source = "\\nopenFDA', "source", "one line"),
        (
            'evidence = "1 VIAL, SINGLE-DOSE in 1 CARTON"',
            'evidence = "1 VIAL in 1 CARTON"',
            "evidence",
            "does not say single-dose",
        ),
        (
            'evidence = "1 VIAL, SINGLE-DOSE in 1 CARTON"',
            'evidence = "1 VIAL, SINGLE-DOSE * 1 VIAL, MULTI-DOSE"',
            "evidence",
            "also says multi-dose",
        ),
    ],
)
def test_a_bad_entry_is_one_sentence_naming_file_and_key(
    tmp_path: Path, old: str, new: str, key: str, problem: str
) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(CatalogError) as caught:
        read_label_containers(path)
    message = str(caught.value)
    assert message.startswith(f"Label file {path}, label #1")
    assert f"key {key!r}: " in message
    assert problem in message
    assert message.endswith(".")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "key 'label': at least one [[label]] is needed."),
        ("label = 3", "key 'label': at least one [[label]] is needed."),
        ('format = "x"\n' + GOOD, "key 'format': unknown key (a typo?)."),
        ("label = [1]", "label #1, key 'label': must be a table."),
        (GOOD + GOOD.replace('"00006-3026-02"', '"00006302602"'), "already given by label #1."),
        ("[[label]\n", "is not valid TOML"),
    ],
)
def test_a_bad_file_is_one_sentence(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CatalogError) as caught:
        read_label_containers(path)
    assert str(caught.value).startswith(f"Label file {path}")
    assert expected in str(caught.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"Label file .*nothing\.toml does not exist\."):
        read_label_containers(tmp_path / "nothing.toml")


# The shipped file and the build.


@pytest.fixture(scope="module")
def labels() -> tuple[LabelContainer, ...]:
    return read_label_containers(LABELS)


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    catalog = load_site_catalog()
    catalog.load()
    return catalog


def test_every_shipped_label_is_used_or_agrees_with_a_hand_checked_drug(
    labels: tuple[LabelContainer, ...],
) -> None:
    hand_checked = load_catalog(shipped_catalog_files())
    built = build_from_crosswalk(read_crosswalk(CROSSWALK), hand_checked.drugs, labels)
    assert len(built.labels_used) + len(built.labels_unused) == len(labels)
    assert {why for _, why in built.labels_unused} <= {HAND_CHECKED}
    assert (len(built.labels_used), len({x.hcpcs for x in built.labels_used})) == (53, 37)


def test_each_imported_ndc_with_a_label_carries_it(
    shipped: Catalog, labels: tuple[LabelContainer, ...]
) -> None:
    for label in labels:
        drug = shipped.find(label.hcpcs)
        presentation = drug.presentation(label.ndc)
        assert presentation is not None, label.ndc
        assert presentation.container == label.container
        if drug.imported:
            assert presentation.container_source == label.container_source
            assert presentation.volume_ml == label.volume_ml
        else:  # hand-checked: its own source stays, and it agrees
            assert presentation.volume_ml in (None, label.volume_ml)


def hand_checked_drugs() -> Catalog:
    return load_catalog(shipped_catalog_files())


def test_a_label_that_contradicts_a_hand_checked_container_fails_the_build(
    labels: tuple[LabelContainer, ...],
) -> None:
    tecentriq = next(x for x in labels if x.ndc == Ndc.parse("50242-0917-01"))
    wrong = dataclasses.replace(tecentriq, container="multi-dose", evidence="MULTI-DOSE")
    with pytest.raises(CatalogError) as caught:
        build_from_crosswalk(read_crosswalk(CROSSWALK), hand_checked_drugs().drugs, [wrong])
    assert str(caught.value).startswith(
        "NDC 50242-0917-01: the label record (openFDA NDC Directory record"
    )
    assert "says multi-dose but hand-checked drug 'atezolizumab' says single-dose" in str(
        caught.value
    )
    assert str(caught.value).endswith("; fix the data.")


def test_a_label_whose_volume_contradicts_a_hand_checked_one_fails_the_build(
    labels: tuple[LabelContainer, ...],
) -> None:
    tecentriq = next(x for x in labels if x.ndc == Ndc.parse("50242-0917-01"))
    wrong = dataclasses.replace(tecentriq, volume_ml=Decimal(40))
    with pytest.raises(CatalogError, match=r"says 40 mL but hand-checked drug 'atezolizumab'"):
        build_from_crosswalk(read_crosswalk(CROSSWALK), hand_checked_drugs().drugs, [wrong])


def test_a_label_under_the_wrong_code_fails_the_build(
    labels: tuple[LabelContainer, ...],
) -> None:
    keytruda = next(x for x in labels if x.ndc == Ndc.parse("00006-3026-02"))
    wrong = dataclasses.replace(keytruda, hcpcs="J9299")
    with pytest.raises(CatalogError) as caught:
        build_from_crosswalk(read_crosswalk(CROSSWALK), (), [wrong])
    assert str(caught.value) == (
        "NDC 00006-3026-02: its label entry names J9299, but CMS bills it under J9271; "
        "fix the data."
    )


def test_without_labels_the_same_ndcs_stay_unconfirmed() -> None:
    built = build_from_crosswalk(read_crosswalk(CROSSWALK), hand_checked_drugs().drugs)
    keytruda = next(t for t in built.tables if t["hcpcs"] == "J9271")
    presentations = keytruda["presentation"]
    assert isinstance(presentations, list)
    assert {p["container"] for p in presentations} == {"unconfirmed"}
    assert not any("container_source" in p or "volume_ml" in p for p in presentations)
    assert (built.labels_used, built.labels_unused) == ((), ())


# What a confirmed container bills (docs/billing-rules.md §3.6a: JW/JZ only when known).


def calc(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["calc", *args, "--date", "2025-11-03", "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    result: dict[str, Any] = json.loads(out)
    return result


def lines(result: dict[str, Any]) -> list[tuple[list[str], int, str]]:
    return [(x["modifiers"], x["units"], x["ndc"]) for x in result["lines"]]


def test_a_confirmed_single_dose_vial_gets_its_jw_line(capsys: pytest.CaptureFixture[str]) -> None:
    # Keytruda J9271 (1 mg): 150 mg from two 100 mg single-dose vials, 50 mg discarded.
    result = calc(capsys, "--drug", "J9271", "--dose", "150", "--vial", "00006-3026-02x2")
    assert lines(result) == [([], 150, "00006-3026-02"), (["JW"], 50, "00006-3026-02")]
    # The label's 4 mL per vial gives the NDC quantity in mL.
    assert [(x["ndc_quantity"], x["ndc_unit"]) for x in result["lines"]] == [
        ("6", "ML"), ("2", "ML"),
    ]  # fmt: skip


def test_a_confirmed_single_dose_vial_used_whole_gets_jz(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Libtayo J9119 (1 mg): the whole 350 mg single-use vial given.
    result = calc(capsys, "--drug", "J9119", "--dose", "350", "--vial", "61755-0008-01x1")
    assert lines(result) == [(["JZ"], 350, "61755-0008-01")]


def test_darzalex_from_its_how_supplied_gets_jw_and_ml(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Darzalex J9145 (10 mg): 1120 mg from three 400 mg/20 mL single-dose vials (section 16
    # of the label lists 57894-505-20 beside "single-dose vial"); 80 mg discarded.
    result = calc(capsys, "--drug", "J9145", "--dose", "1120", "--vial", "57894-0505-20x3")
    assert lines(result) == [([], 112, "57894-0505-20"), (["JW"], 8, "57894-0505-20")]
    assert [(x["ndc_quantity"], x["ndc_unit"]) for x in result["lines"]] == [
        ("56", "ML"), ("4", "ML"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("drug", "dose", "vial", "units"),
    [
        ("J9356", "600", "50242-0077-01x1", 60),  # Herceptin Hylecta 600 mg/5 mL (10 mg)
        ("J9306", "840", "50242-0145-01x2", 840),  # Perjeta 420 mg/14 mL, loading dose (1 mg)
        ("J9309", "140", "50242-0105-01x1", 140),  # Polivy 140 mg powder (1 mg)
    ],
)
def test_single_dose_vials_from_labels_used_whole_get_jz(
    capsys: pytest.CaptureFixture[str], drug: str, dose: str, vial: str, units: int
) -> None:
    result = calc(capsys, "--drug", drug, "--dose", dose, "--vial", vial)
    assert [(x["modifiers"], x["units"]) for x in result["lines"]] == [(["JZ"], units)]


def test_a_label_for_one_ndc_leaves_its_sibling_unconfirmed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Sarclisa J9227: the 100 mg/5 mL NDC has its FDA listing; the 500 mg/25 mL one
    # (00024-0656-01) has no record read yet, so it bills with neither JW nor JZ.
    confirmed = calc(capsys, "--drug", "J9227", "--dose", "150", "--vial", "00024-0654-01x2")
    assert lines(confirmed) == [([], 15, "00024-0654-01"), (["JW"], 5, "00024-0654-01")]
    unconfirmed = calc(capsys, "--drug", "J9227", "--dose", "450", "--vial", "00024-0656-01x1")
    assert lines(unconfirmed) == [([], 45, "00024-0656-01")]


def test_a_confirmed_multi_dose_vial_gets_neither_jw_nor_jz(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Fresenius paclitaxel 300 mg/50 mL multi-dose vial (J9267, 1 mg): 260 mg drawn.
    result = calc(capsys, "--drug", "J9267", "--dose", "260", "--vial", "63323-0763-50x1")
    assert lines(result) == [([], 260, "63323-0763-50")]
    assert "multi-dose" in json.dumps(result)


@pytest.mark.parametrize(
    ("drug", "dose", "vial", "units"),
    [
        ("J9171", "75", "66758-0050-02x1", 75),  # Sandoz docetaxel 80 mg/8 mL multi-dose
        ("J9034", "90", "63459-0348-04x1", 90),  # Bendeka 100 mg/4 mL multi-dose (1 mg)
    ],
)
def test_multi_dose_generics_from_labels_get_neither(
    capsys: pytest.CaptureFixture[str], drug: str, dose: str, vial: str, units: int
) -> None:
    result = calc(capsys, "--drug", drug, "--dose", dose, "--vial", vial)
    assert [(x["modifiers"], x["units"]) for x in result["lines"]] == [([], units)]


def test_a_multi_dose_kit_gets_neither(capsys: pytest.CaptureFixture[str]) -> None:
    # Trazimera 420 mg kit (Q5116, 10 mg): its vial is multi-dose; 300 mg drawn.
    result = calc(capsys, "--drug", "Q5116", "--dose", "300", "--vial", "00069-0305-01x1")
    assert lines(result) == [([], 30, "00069-0305-01")]


def test_catalog_show_gives_the_label_as_the_container_source(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["catalog", "show", "J9267"]) == 0
    out = capsys.readouterr().out
    assert (
        "container: openFDA NDC Directory record (api.fda.gov/drug/ndc.json), product "
        "63323-763, package 63323-763-50, checked 2026-12-02: "
        '"1 VIAL, MULTI-DOSE in 1 CARTON (63323-763-50)  / 50 mL in 1 VIAL, MULTI-DOSE"'
    ) in out
