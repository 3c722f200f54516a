"""``doseunits catalog import | show | confirm`` on the real October 2025 files."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest

from doseunits.app.folders import catalog_folder
from doseunits.app.site import Site
from doseunits.catalog.ndc import Ndc
from doseunits.cli.main import main

CMS = Path(__file__).resolve().parents[2] / "resources" / "cms"
CROSSWALK = CMS / "2025-10-asp-ndc-hcpcs-crosswalk.csv"
LIMITS = CMS / "2025-10-asp-pricing-file.csv"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_writes_a_snapshot_and_keeps_one_for_rollback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.csv"
    code, out, err = run(
        capsys, "catalog", "import", "--crosswalk", str(CROSSWALK),
        "--payment-limits", str(LIMITS), "--report", str(report),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "CMS crosswalk in force 2025-10-01 to 2025-12-31: 8245 rows." in out
    assert "Imported: 723 codes, 5988 NDCs" in out
    assert "Skipped, not an NDC: 1284" in out
    assert "Skipped, CPT code: 27" in out
    assert "Skipped, dosage not supported yet: 833" in out
    assert "Payment limits: 977 codes, in force 2025-10-01 to 2025-12-31" in out
    folder = catalog_folder()
    snapshot = folder / "cms-import.json"
    assert snapshot.is_file()
    assert not (folder / "cms-import.json.previous").exists()
    with report.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert sum(1 for r in rows if r["reason"] == "not an NDC") == 1284
    assert any(r["what"] == "disagreement" for r in rows)
    first = snapshot.read_bytes()
    code, out, _ = run(capsys, "catalog", "import", "--crosswalk", str(CROSSWALK))
    assert code == 0
    assert "kept for --rollback" in out
    assert (folder / "cms-import.json.previous").read_bytes() == first
    assert run(capsys, "catalog", "import", "--rollback")[0] == 0
    assert not (folder / "cms-import.json.previous").exists()
    # The site's import is what the site bills from (read when needed).
    assert Site.load().catalog.find("J9271").origin == str(snapshot)


def test_import_into_the_system_site_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "catalog", "import", "--crosswalk", str(CROSSWALK), "--site")
    assert code == 0
    system = Path(os.environ["DOSEUNITS_SITE_DIR"]) / "catalog" / "cms-import.json"
    assert system.is_file()
    assert Site.load().catalog.find("J9271").origin == str(system)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("readme.csv", (CMS / "README.md").read_bytes()),
        ("empty.csv", b""),
        ("book.xlsx", b"PK\x03\x04rest of a zip"),
        ("limits.csv", LIMITS.read_bytes()),
        ("cut-short.csv", CROSSWALK.read_bytes()[:2000]),  # only CPT rows left
    ],
)
def test_a_file_that_is_not_a_crosswalk_exits_2_with_one_sentence(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run(capsys, "catalog", "import", "--crosswalk", str(path))
    assert code == 2
    assert out == ""
    assert err.startswith("doseunits: ")
    assert err.count("\n") == 1
    assert not (catalog_folder() / "cms-import.json").exists()


def test_a_truncated_file_imports_what_it_holds_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "truncated.csv"
    path.write_bytes(CROSSWALK.read_bytes()[:400_000])  # cut inside a row
    code, out, err = run(capsys, "catalog", "import", "--crosswalk", str(path))
    assert (code, err) == (0, "")
    assert "Skipped, incomplete row: 1" in out
    imported = int(out.split("Imported: ")[1].split(" codes")[0])
    assert 0 < imported < 723


def test_a_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "catalog", "import", "--crosswalk", str(tmp_path / "nope.csv"))
    assert (code, err) == (2, f"doseunits: {tmp_path / 'nope.csv'} does not exist.\n")


def show(capsys: pytest.CaptureFixture[str], query: str) -> dict[str, Any]:
    code, out, err = run(capsys, "catalog", "show", query, "--json")
    assert (code, err) == (0, "")
    result: dict[str, Any] = json.loads(out)
    return result


def test_show_gives_each_fact_with_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    result = show(capsys, "0006-3026-04")
    assert result["catalog_sources"] == [
        "CMS ASP NDC-HCPCS crosswalk, in force 2025-10-01 to 2025-12-31"
    ]
    (drug,) = result["drugs"]
    assert (drug["hcpcs"], drug["billing_unit"], drug["imported"]) == ("J9271", "1 mg", True)
    carton = drug["presentations"][1]
    assert carton["ndc"] == "00006-3026-04"
    # The amount is the crosswalk's; the container and volume its label's.
    assert (carton["strength"], carton["volume_ml"], carton["container"]) == (
        "100 mg", "4", "single-dose",
    )  # fmt: skip
    assert carton["items_per_package"] == 2
    assert carton["source"].startswith("CMS crosswalk line 6191")
    assert carton["container_source"].startswith("DailyMed KEYTRUDA label")
    hand = show(capsys, "J9022")["drugs"][0]
    assert hand["presentations"][0]["volume_ml"] == "20"
    assert hand["presentations"][0]["container"] == "single-dose"
    code, out, _ = run(capsys, "catalog", "show", "keytruda")
    assert code == 0
    assert "NDC 00006-3026-04: 100 mg, volume 4 mL, single-dose, 2 in the package" in out
    code, out, _ = run(capsys, "catalog", "show", "J9272")  # no record names its container
    assert code == 0
    assert "NDC 00173-0898-03: 500 mg, volume unconfirmed, unconfirmed" in out


def test_show_of_nothing_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "catalog", "show", "no such drug at all")
    assert (code, out) == (2, "")
    assert "No drug in the catalog matches" in err


def test_confirm_records_the_label_and_the_next_order_uses_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "catalog", "confirm", "0006-3026-04", "--container", "single-dose", "--by", "AB"
    )
    assert (code, err) == (0, "")
    assert (
        "NDC 00006-3026-04 (Keytruda, J9271): single-dose, label checked at this site by AB" in out
    )
    path = catalog_folder() / "label-confirmations.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        (row,) = list(csv.DictReader(stream))
    assert (row["ndc"], row["container"], row["by"]) == ("00006-3026-04", "single-dose", "AB")
    code, out, _ = run(
        capsys, "calc", "--drug", "J9271", "--dose", "150", "--vial", "00006-3026-04x2",
        "--date", "2025-11-03", "--json",
    )  # fmt: skip
    lines = json.loads(out)["lines"]
    assert [(line["modifiers"], line["units"]) for line in lines] == [([], 150), (["JW"], 50)]
    presentation = Site.load().catalog.find("J9271").presentation(Ndc.parse("00006-3026-04"))
    assert presentation is not None
    assert presentation.container_source.startswith("label checked at this site by AB on ")


def test_a_confirmation_against_a_sourced_fact_is_shown_beside_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(
        capsys, "catalog", "confirm", "50242-0917-01", "--container", "multi-dose", "--by", "CD"
    )
    assert code == 0
    assert "The catalog said single-dose (Genentech Access Tecentriq page" in out
    facts = show(capsys, "50242-0917-01")["drugs"][0]["presentations"][0]
    assert facts["container"] == "multi-dose"
    assert facts["container_disagreement"].startswith("single-dose (Genentech Access")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99999-9999-99", "--container", "single-dose", "--by", "AB"], "is not in the catalog"),
        (["00006-3026-04", "--container", "single-dose", "--by", "=cmd()"], "initials"),
        (["0006-3026", "--container", "single-dose", "--by", "AB"], "is not an NDC"),
        (["00006-3026-04", "--container", "vial", "--by", "AB"], "invalid choice"),
    ],
)
def test_a_bad_confirmation_exits_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, "catalog", "confirm", *args)
    assert code == 2
    assert message in err
    assert not (catalog_folder() / "label-confirmations.csv").exists()


def test_a_report_that_cant_be_written_stops_the_import_before_it_starts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    code, out, err = run(capsys, "catalog", "import", "--crosswalk", str(CROSSWALK),
                         "--report", str(folder))  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith(f"doseunits: The report {folder} can't be written (")
    assert not (catalog_folder() / "cms-import.json").exists()  # nothing imported


def test_the_report_replaces_a_link_never_writes_through_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("kept\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    report.symlink_to(target)
    code, _, err = run(capsys, "catalog", "import", "--crosswalk", str(CROSSWALK),
                       "--report", str(report))  # fmt: skip
    assert (code, err) == (0, "")
    assert target.read_text(encoding="utf-8") == "kept\n"
    assert not report.is_symlink()
    # Through the one CSV writer: RFC 4180's CRLF rows.
    assert report.read_bytes().startswith(b"file,line,what,reason,code,id,detail\r\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_given_as_the_crosswalk_is_refused_not_waited_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pipe = tmp_path / "crosswalk.csv"
    os.mkfifo(pipe)  # nothing ever writes to it: reading it would wait for good
    code, out, err = run(capsys, "catalog", "import", "--crosswalk", str(pipe))
    assert (code, out) == (2, "")
    assert err == f"doseunits: {pipe} cannot be read: it is a pipe, not a regular file.\n"
