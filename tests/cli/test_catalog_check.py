"""``doseunits catalog check``, and a bad drug deep in a large site import through
``calc``: one sentence naming the file, the drug and the key, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog_helpers import snapshot_table, write_snapshot
from doseunits.app.folders import IMPORTED_SNAPSHOT, catalog_folder
from doseunits.cli.main import main

BAD_DRUG = 9_990


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def site_import_with_a_bad_drug(folder: Path, drugs: int = 10_000) -> Path:
    """A site import as ``catalog import`` writes it, hand-edited since: drug-9990's second
    vial has a letter O in its strength."""
    tables = [snapshot_table(n) for n in range(drugs)]
    tables[BAD_DRUG]["presentation"][1]["strength"] = "12OO mg"  # type: ignore[index]
    folder.mkdir(parents=True, exist_ok=True)
    return write_snapshot(folder / IMPORTED_SNAPSHOT, tables)


def problem(path: Path) -> str:
    return (
        f"doseunits: Catalog file {path}, drug 'drug-9990', key 'presentation.strength': "
        "must be a number like 1050 or 72.5 (got '12OO mg').\n"
    )


def test_check_reads_every_drug_this_station_bills_from(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "catalog", "check")
    assert (code, err) == (0, "")
    assert out == (
        "Checked 8 catalog files: 730 drugs, 6066 NDCs, every one passes the catalog's checks.\n"
    )


def test_check_finds_a_bad_drug_deep_in_a_site_import(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = site_import_with_a_bad_drug(catalog_folder(system=True))
    assert run(capsys, "catalog", "check", "--site") == (2, "", problem(path))
    assert run(capsys, "catalog", "check") == (2, "", problem(path))
    assert run(capsys, "catalog", "check", str(path)) == (2, "", problem(path))


def test_check_of_a_good_file_and_of_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_snapshot(tmp_path / "next.json", [snapshot_table(n) for n in range(3)])
    hand = tmp_path / "site.toml"
    hand.write_text(
        '[[drug]]\nid = "site-drug"\nname = "Site drug"\nhcpcs = "J9999"\n'
        'descriptor = "Injection, site drug, 10 mg"\nbilling_unit = "10 mg"\n'
        'verified = false\nsource = "a test"\n[[drug.presentation]]\n'
        'ndc = "99999-0001-01"\nstrength = "100 mg"\ncontainer = "single-dose"\n'
        '[[drug.presentation]]\nndc = "99999-0001-02"\nstrength = "200 mg"\n'
        'container = "single-dose"\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "catalog", "check", str(hand), str(path))
    assert (code, out) == (
        0,
        "Checked 2 catalog files: 4 drugs, 8 NDCs, every one passes the catalog's checks.\n",
    )
    folder = catalog_folder(system=True)
    assert run(capsys, "catalog", "check", "--site") == (
        2, "", f"doseunits: No catalog files in {folder}: nothing to check.\n",
    )  # fmt: skip
    missing = tmp_path / "missing.json"
    assert run(capsys, "catalog", "check", str(missing)) == (
        2, "", f"doseunits: Catalog file {missing} is not a file.\n",
    )  # fmt: skip


def test_calc_of_the_bad_drug_exits_2_and_the_others_still_bill(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = site_import_with_a_bad_drug(catalog_folder())
    args = ("calc", "--dose", "150", "--date", "2026-11-28")
    assert run(capsys, *args, "--drug", "drug-9990") == (2, "", problem(path))
    assert run(capsys, *args, "--drug", "Drug 9990") == (2, "", problem(path))
    code, out, err = run(capsys, *args, "--drug", "drug-9991")
    assert (code, err) == (0, "")
    assert "J9991" in out
    assert run(capsys, "catalog", "show", "drug-9990")[0::2] == (2, problem(path))
