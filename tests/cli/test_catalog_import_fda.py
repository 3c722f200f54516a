"""``doseunits catalog import --fda-ndc``: FDA's facts in the site's snapshot, end to end."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from test_catalog_commands import CROSSWALK, run

from doseunits.app.folders import catalog_folder
from fda_helpers import PACKAGES, ndctext_zip, package_txt


def test_import_with_the_fda_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    zipped = ndctext_zip(tmp_path / "ndctext.zip", package_txt())
    report = tmp_path / "report.csv"
    code, out, err = run(
        capsys, "catalog", "import", "--crosswalk", str(CROSSWALK), "--fda-ndc", str(zipped),
        "--report", str(report),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "FDA NDC Directory package.txt, file dated 2026-11-30: 8 packages" in out
    assert "FDA matched: 7 imported NDCs under their codes" in out
    # The shipped label records fill first (Keytruda's two cartons and a single-dose vial,
    # with their volumes); FDA fills what they leave open.
    assert (
        "FDA filled: 1 single-dose and 2 multi-dose containers, 4 volumes; 1 matched NDCs "
        "state no container type (unconfirmed)." in out
    )
    assert "FDA disagreements: 0" in out
    with report.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    missing = [r for r in rows if r["what"] == "not in FDA directory"]
    assert missing
    assert all(r["file"].endswith("ndctext.zip (package.txt)") for r in missing)
    assert ("J9271", "00006-3026-04") not in {(r["code"], r["id"]) for r in missing}
    # The snapshot holds them, and catalog show gives each with its source.
    assert (catalog_folder() / "cms-import.json").is_file()
    code, out, _ = run(capsys, "catalog", "show", "61703-0339-22", "--json")
    (drug,) = json.loads(out)["drugs"]
    (carboplatin,) = [p for p in drug["presentations"] if p["ndc"] == "61703-0339-22"]
    assert (carboplatin["container"], carboplatin["volume_ml"]) == ("multi-dose", "15")
    assert carboplatin["container_source"].startswith(
        "FDA NDC Directory package.txt, file dated 2026-11-30, line 6: 61703-339-22"
    )
    # A multi-dose vial from FDA bills no JW and no JZ.
    code, out, err = run(
        capsys, "calc", "--drug", "J9045", "--dose", "100", "--vial", "61703-0339-22",
        "--date", "2025-11-15", "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    lines = json.loads(out)["lines"]
    assert [line["modifiers"] for line in lines] == [[]]
    assert lines[0]["units"] == 2


def test_a_folder_works_and_a_wrong_one_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "ndc"
    folder.mkdir()
    args = ("catalog", "import", "--crosswalk", str(CROSSWALK), "--fda-ndc", str(folder))
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err == (
        f"doseunits: {folder} has no package.txt: expected the folder of FDA's NDC "
        "Directory (ndctext.zip unpacked: product.txt and package.txt).\n"
    )
    assert not (catalog_folder() / "cms-import.json").exists()
    (folder / "PACKAGE.TXT").write_text(package_txt(PACKAGES[:2]), encoding="cp1252")
    code, out, err = run(capsys, *args)
    assert (code, err) == (0, "")
    assert "FDA matched: 1 imported NDCs under their codes" in out


def test_a_station_confirmation_still_wins_over_fda(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    zipped = ndctext_zip(tmp_path / "ndctext.zip", package_txt())
    code, _, _ = run(
        capsys, "catalog", "import", "--crosswalk", str(CROSSWALK), "--fda-ndc", str(zipped)
    )
    assert code == 0
    # The label in hand is the last word at the site; FDA's fact is shown beside it.
    code, out, err = run(
        capsys, "catalog", "confirm", "61703-0339-22", "--container", "single-dose", "--by", "AB"
    )
    assert (code, err) == (0, "")
    assert "The catalog said multi-dose (FDA NDC Directory package.txt" in out
    code, out, _ = run(capsys, "catalog", "show", "61703-0339-22", "--json")
    (drug,) = json.loads(out)["drugs"]
    (vial,) = [p for p in drug["presentations"] if p["ndc"] == "61703-0339-22"]
    assert vial["container"] == "single-dose"
    assert vial["container_disagreement"].startswith("multi-dose")
    assert "FDA NDC Directory" in vial["container_disagreement"]


def test_the_summary_says_fda_fills_the_containers_the_labels_leave(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    zipped = ndctext_zip(tmp_path / "ndctext.zip", package_txt())
    code, out, err = run(
        capsys, "catalog", "import", "--crosswalk", str(CROSSWALK), "--fda-ndc", str(zipped)
    )
    assert (code, err) == (0, "")
    (imported,) = [line for line in out.splitlines() if line.startswith("Imported: ")]
    assert "containers from the shipped label records, the others as FDA's directory " in imported
    assert "containers unconfirmed until a label" not in imported  # FDA filled three
