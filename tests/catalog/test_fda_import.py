"""FDA's NDC Directory (package.txt) read, and its facts applied to the imported catalog.

The packages (tests/fda_helpers.py) are real openFDA records of NDCs in the committed
October 2025 CMS crosswalk, in package.txt's layout.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import cast

import pytest
from test_cms_import import CROSSWALK

from doseunits.catalog.build import (
    FDA_ITEMS,
    BuiltCatalog,
    apply_fda_facts,
    build_from_crosswalk,
)
from doseunits.catalog.files import DrugReader
from doseunits.catalog.importers.base import ImportFileError
from doseunits.catalog.importers.fda_ndc import (
    INCOMPLETE,
    KIT,
    NOT_AN_NDC,
    package_facts,
    parse_fda_packages,
)
from doseunits.catalog.importers.files import read_crosswalk, read_fda_directory
from doseunits.catalog.ndc import Ndc
from fda_helpers import HEADER, PACKAGES, ndctext_zip, package_txt


@pytest.fixture(scope="module")
def built() -> BuiltCatalog:
    from doseunits.app.site import load_default_catalog

    return build_from_crosswalk(read_crosswalk(CROSSWALK), load_default_catalog().drugs)


def presentation(built: BuiltCatalog, ndc: str) -> dict[str, object]:
    wanted = str(Ndc.parse(ndc))
    for table in built.tables:
        presentations = table["presentation"]
        assert isinstance(presentations, list)
        for p in presentations:
            if p["ndc"] == wanted:
                assert isinstance(p, dict)
                return p
    raise AssertionError(ndc)


def test_descriptions_give_container_items_and_volume() -> None:
    hybreza = package_facts(PACKAGES[1][2])
    assert (hybreza.container, hybreza.items, hybreza.volume_ml) == (
        "single-dose", 1, Decimal("15"),
    )  # fmt: skip
    carton = package_facts(PACKAGES[3][2])
    assert (carton.container, carton.items, carton.volume_ml) == ("unconfirmed", 2, Decimal(4))
    carboplatin = package_facts(PACKAGES[4][2])
    assert (carboplatin.container, carboplatin.container_words) == (
        "multi-dose", "VIAL, MULTI-DOSE",
    )  # fmt: skip
    # FDA retired "single-use"; CMS's JW/JZ policy names single-use vials beside single-dose.
    assert package_facts(PACKAGES[0][2]).container == "single-dose"
    # A one-patient container of several doses is neither.
    patient = "1 PEN in 1 CARTON (0000-0000-00)  / 3 mL in 1 PEN, SINGLE-PATIENT-USE"
    assert package_facts(patient).container == "unconfirmed"
    # ">" (current copies) and "/" (older ones) both split levels.
    split = package_facts(PACKAGES[1][2].replace("  / ", "  > "))
    assert split == hybreza
    # openFDA's naloxone 0409-1219-01: three levels, 25 cartons of one vial each.
    case = package_facts(
        "25 CARTON in 1 CASE (0409-1219-01)  / 1 VIAL, MULTI-DOSE in 1 CARTON / 10 mL in 1 "
        "VIAL, MULTI-DOSE (0409-1219-41)"
    )
    assert (case.container, case.items, case.volume_ml) == ("multi-dose", 25, Decimal(10))
    # A lyophilized powder states no mL: no volume is made up.
    powder = package_facts(
        "1 VIAL in 1 CARTON (44567-530-01)  / 1 INJECTION, POWDER, LYOPHILIZED, FOR SOLUTION "
        "in 1 VIAL"
    )
    assert (powder.items, powder.volume_ml) == (1, None)
    assert package_facts("1 KIT in 1 CARTON * 1 VIAL in 1 KIT").unread == KIT
    assert package_facts("a vial").container == "unconfirmed"


def test_a_description_without_a_contents_level_counts_its_items() -> None:
    # Listed as the vials in the carton, with no "mL in 1 VIAL" level below: the vials are
    # the items (ten of them), and their own words give the container.
    ten = package_facts("10 VIAL, SINGLE-DOSE in 1 CARTON (0000-0000-00)")
    assert (ten.container, ten.container_words, ten.items, ten.volume_ml) == (
        "single-dose", "VIAL, SINGLE-DOSE", 10, None,
    )  # fmt: skip
    multi = package_facts("1 VIAL, MULTI-DOSE in 1 CARTON (0000-0000-00)")
    assert (multi.container, multi.items) == ("multi-dose", 1)
    case = package_facts("4 CARTON in 1 CASE (0000-0000-00)  > 10 VIAL in 1 CARTON")
    assert (case.container, case.items) == ("unconfirmed", 40)
    assert package_facts("10 VIAL in 2 CARTON (0000-0000-00)").items is None


def test_a_folder_and_a_zip_read_alike_with_the_file_date(tmp_path: Path) -> None:
    folder = tmp_path / "ndctext"
    folder.mkdir()
    (folder / "package.txt").write_text(package_txt(), encoding="utf-8", newline="")
    (folder / "product.txt").write_text("PRODUCTID\tPRODUCTNDC\n", encoding="utf-8")
    from_folder = read_fda_directory(folder)
    from_zip = read_fda_directory(ndctext_zip(tmp_path / "ndctext.zip", package_txt()))
    assert from_zip.source == "FDA NDC Directory package.txt, file dated 2026-11-30"
    assert from_folder.source.startswith("FDA NDC Directory package.txt, file dated ")
    assert from_zip.rows == from_folder.rows
    assert len(from_zip) == len(PACKAGES) == from_zip.report.counts["packages"]
    tecentriq = from_zip.get(Ndc.parse("50242-0917-01"))
    assert tecentriq is not None
    assert (tecentriq.line, tecentriq.package_code) == (2, "50242-917-01")
    assert tecentriq.facts == package_facts(PACKAGES[0][2])
    assert from_zip.get(Ndc.parse("50242-0918-01")) is None


def test_fda_facts_fill_the_imported_presentations(built: BuiltCatalog, tmp_path: Path) -> None:
    fda = read_fda_directory(ndctext_zip(tmp_path / "ndctext.zip", package_txt()))
    from doseunits.app.site import load_default_catalog

    applied = apply_fda_facts(built, fda, load_default_catalog().drugs)
    hybreza = presentation(applied, "50242-0933-01")
    assert (hybreza["container"], hybreza["volume_ml"]) == ("single-dose", "15")
    assert hybreza["container_source"] == (
        "FDA NDC Directory package.txt, file dated 2026-11-30, line 3: 50242-933-01 "
        '"1 VIAL, SINGLE-DOSE in 1 BOX (50242-933-01) / 15 mL in 1 VIAL, SINGLE-DOSE"'
    )
    assert str(hybreza["source"]).startswith("CMS crosswalk line ")
    assert "; volume 15 mL: FDA NDC Directory package.txt" in str(hybreza["source"])
    carboplatin = presentation(applied, "61703-0339-22")
    assert (carboplatin["container"], carboplatin["volume_ml"]) == ("multi-dose", "15")
    # Plain "VIAL": the container stays unconfirmed; the volume is still stated.
    fresenius = presentation(applied, "63323-0172-60")
    assert (fresenius["container"], fresenius["volume_ml"]) == ("unconfirmed", "60")
    assert "container_source" not in fresenius
    keytruda = presentation(applied, "00006-3026-04")
    assert (keytruda["container"], keytruda["volume_ml"], keytruda["items_per_package"]) == (
        "unconfirmed", "4", 2,
    )  # fmt: skip
    # Presentations FDA does not list are as the crosswalk made them.
    assert presentation(applied, "16729-0295-33") == presentation(built, "16729-0295-33")
    assert "volume_ml" not in presentation(built, "50242-0933-01")  # built is unchanged
    report = applied.fda
    assert report is not None
    # Tecentriq 50242-0917-01 is hand-checked: not among the imported presentations.
    assert report.matched == len(PACKAGES) - 1
    assert dict(report.containers) == {"single-dose": 2, "multi-dose": 2}
    assert (report.not_stated, report.volumes) == (3, 7)
    assert report.disagreements == ()
    rows = sum(len(cast(list[object], t["presentation"])) for t in built.tables)
    assert len(report.unmatched) == rows - report.matched  # an NDC under two codes: twice
    # What FDA filled passes the validator every catalog file passes.
    for index, table in enumerate(applied.tables, 1):
        DrugReader(Path("fda.json"), index, table).drug()
    lines = report.summary()
    assert lines[0] == ("FDA NDC Directory package.txt, file dated 2026-11-30: 8 packages.")
    assert lines[1] == (
        f"FDA matched: 7 imported NDCs under their codes; not in the directory: {rows - 7}."
    )


def test_an_item_count_unlike_pkg_qty_is_reported_and_pkg_qty_kept(
    built: BuiltCatalog,
) -> None:
    # Altered on purpose (openFDA says 2 VIAL): the crosswalk's PKG QTY 2 must be kept.
    altered = [(p, c, d.replace("2 VIAL in", "3 VIAL in"), s) for p, c, d, s in PACKAGES]
    fda = parse_fda_packages(package_txt(altered).encode(), "package.txt")
    applied = apply_fda_facts(built, fda)
    assert presentation(applied, "00006-3026-04")["items_per_package"] == 2
    assert applied.fda is not None
    (found,) = applied.fda.disagreements
    assert (found.code, found.ndc, found.what) == ("J9271", "00006-3026-04", FDA_ITEMS)
    assert found.detail.endswith("crosswalk PKG QTY 2")
    assert "items per package: 1" in applied.fda.summary()[-1]


def test_hostile_directories(tmp_path: Path) -> None:
    def refused(data: bytes, name: str = "package.txt") -> str:
        with pytest.raises(ImportFileError) as caught:
            parse_fda_packages(data, name)
        return str(caught.value)

    no_description = package_txt().replace("PACKAGEDESCRIPTION", "DESCRIPTION")
    assert refused(no_description.encode()) == (
        "package.txt is not FDA's NDC Directory package.txt (a tab-separated header row "
        "with PRODUCTID, PRODUCTNDC, NDCPACKAGECODE, PACKAGEDESCRIPTION...): its first row "
        "has no PACKAGEDESCRIPTION column."
    )
    assert "no NDCPACKAGECODE" in refused(b"PRODUCTID,NDCPACKAGECODE,PACKAGEDESCRIPTION\n")
    assert "is empty" in refused(b"")
    assert "no rows below it" in refused(HEADER.encode() + b"\r\n")
    assert "UTF-16" in refused(package_txt().encode("utf-16"))
    # Columns in another order, lower case, padded: matched by name.
    shuffled = "\n".join(
        "\t".join(reversed(line.split("\t"))) for line in package_txt().splitlines()
    ).replace("NDCPACKAGECODE", " ndcPackageCode ")
    assert len(parse_fda_packages(shuffled.encode(), "p")) == len(PACKAGES)
    # Windows-1252 bytes (an en dash) read; a truncated last row is counted, not fatal.
    text = package_txt().replace("1 VIAL in 1 BOX", "1 VIAL in 1 BOX \u2013")
    cut = text.encode("cp1252")[: -len("\tN\tN\r\n") - 30]
    directory = parse_fda_packages(cut, "p")
    assert directory.report.skipped_by_reason() == {INCOMPLETE: 1}
    assert len(directory) == len(PACKAGES) - 1
    bad_ndc = package_txt([("x", "50242-917", "20 mL in 1 VIAL", "2016")])
    assert parse_fda_packages(bad_ndc.encode(), "p").report.skipped_by_reason() == {NOT_AN_NDC: 1}
    # The files around it.
    zipped = ndctext_zip(tmp_path / "ndctext.zip", package_txt())
    cut_zip = tmp_path / "cut.zip"
    cut_zip.write_bytes(zipped.read_bytes()[:-40])
    empty = tmp_path / "empty"
    empty.mkdir()
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "not FDA's")
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    for path, says in [
        (cut_zip, "damaged or unsupported zip"),
        (empty, "has no package.txt"),
        (other_zip, "has no package.txt inside"),
        (notes, "is not FDA's NDC Directory"),
        (tmp_path / "missing.zip", "does not exist"),
    ]:
        with pytest.raises(ImportFileError, match=says) as caught:
            read_fda_directory(path)
        assert str(caught.value).count(". ") == 0, caught.value  # one sentence
    assert len(read_fda_directory(zipped)) == len(PACKAGES)


def test_the_zip_entry_date_is_the_source_date(tmp_path: Path) -> None:
    zipped = ndctext_zip(tmp_path / "n.zip", package_txt(), (2025, 10, 1, 0, 0, 0))
    assert read_fda_directory(zipped).source.endswith(dt.date(2025, 10, 1).isoformat())
