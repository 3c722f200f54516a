"""calc on a vial whose container no source confirms (docs/billing-rules.md §3.6a): what it
leaves is pending the label, in the text, the note, --json and the waste dollars, never a
plain 0. Veklury (remdesivir) 61958-2901-02 as CMS's October 2025 crosswalk ships it (no label
record confirms its container); J0248's October 2025 payment limit is $6.729 per unit."""

from __future__ import annotations

import json
from typing import Any

import pytest

from doseunits.cli.main import main

VEKLURY = ("calc", "--drug", "J0248", "--dose", "150", "--date", "2025-11-10")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return out


def as_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(run(capsys, *args, "--json"))
    return result


def test_the_json_says_what_is_pending_and_its_worth(capsys: pytest.CaptureFixture[str]) -> None:
    result = as_json(capsys, *VEKLURY)  # two 100 mg vials, 50 mg left
    assert [(line["modifiers"], line["units"]) for line in result["lines"]] == [([], 150)]
    pending = result["discarded_pending_label"]
    assert pending["ndcs"] == ["61958-2901-02"]
    assert (pending["left"], pending["left_mg"]) == ({"amount": "50", "unit": "mg"}, "50")
    assert pending["if_single_dose"] == {"discarded_units": 50, "jw_units": 50, "jz": False}
    # 150 x $6.729 = $1,009.35 administered; 50 x $6.729 = $336.45 if single-dose.
    assert result["administered_usd"] == "1009.35"
    assert result["discarded_usd"] is None  # not known to be $0
    assert result["discarded_pending_label_usd"] == "336.45"


def test_the_json_of_confirmed_vials_has_nothing_pending(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = as_json(capsys, "calc", "--drug", "atezolizumab", "--dose", "1050",
                     "--date", "2025-11-15")  # fmt: skip
    assert result["discarded_pending_label"] is None
    assert (result["discarded_usd"], result["discarded_pending_label_usd"]) == ("1370.10", None)


def test_the_text_and_note_never_say_nothing_was_discarded(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = run(capsys, *VEKLURY)
    assert (
        "Discarded         50 mg pending the label  unknown mL  pending the label: 50 units (JW)"
        in out
    )
    assert "Label decides     if single-dose, 50 units discarded (JW line); if multi-dose" in out
    assert "discarded pending the label ($336.45 if single-dose)" in out
    assert "Discarded: 50 mg pending the label (unknown mL), left in vials whose container" in out
    assert "Discarded: 0" not in out
    assert "Discarded         0" not in out


def test_once_confirmed_the_pending_waste_is_billed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "confirm", "61958-2901-02", "--container", "single-dose",
                 "--by", "AB"]) == 0  # fmt: skip
    capsys.readouterr()
    result = as_json(capsys, *VEKLURY)
    assert [(line["modifiers"], line["units"]) for line in result["lines"]] == [
        ([], 150), (["JW"], 50)
    ]  # fmt: skip
    assert result["discarded_pending_label"] is None
    assert (result["discarded_usd"], result["jw_usd"]) == ("336.45", "336.45")


def test_the_note_of_an_imported_drug_names_the_cms_file_and_quarter(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = run(capsys, *VEKLURY)
    assert (
        "Calculated by DoseUnits 0.1.0 from CMS ASP NDC-HCPCS crosswalk, in force 2025-10-01 "
        "to 2025-12-31 (imported, not hand-reviewed)." in out
    )
    hand_checked = run(capsys, "calc", "--drug", "atezolizumab", "--dose", "1050")
    assert "Calculated by DoseUnits 0.1.0 from catalog reviewed 2026-11-28." in hand_checked
