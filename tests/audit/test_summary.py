"""The audit's summary per drug and quarter, worked out by hand at the October 2025
payment limits (J9022 $91.340, J9299 $32.964, J9035 $73.201 per unit)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from doseunits.cli.main import main

HEADER = "date_of_service,drug,administered,vials,billed_units,billed_modifier,billed_jw_units"
CLAIMS = [
    "2025-11-15,atezolizumab,1050,1200x1,105,,15",  # ok: 105 + JW 15
    "2025-11-20,atezolizumab,1680,840x2,168,JZ,0",  # ok, JZ
    "2025-12-01,atezolizumab,1050,1200x1,105,JZ,0",  # mismatch: JZ with 15 units discarded
    "2025-10-05,nivolumab,480,240x2,480,JZ PO,0",  # ok: PO passed through
    "2025-10-06,nivolumab,200,240x1,200,,40",  # mismatch: 100x2 would leave nothing
    "2025-11-02,nivolumab,240,240x1,240,JZ XX,0",  # mismatch: XX unknown
    "2025-12-10,bevacizumab,150,100x2,15,,5",  # ok: 15 + JW 5, a 25% JW share
    "2026-01-05,atezolizumab,840,840x1,84,JZ,0",  # ok, 2026 Q1: no payment limit file
    "2025-11-15,no-such-drug,200,100x2,20,,0",  # error, no drug: not in the summary
    "2025-11-16,atezolizumab,abc,1200x1,105,,15",  # error, counted with J9022 2025 Q4
]
EXPECTED = [
    # J9022 2025 Q4: 105 + 168 + 105 = 378 units, JW 15; 15 / 393 = 3.8%;
    # 378 x 91.340 = 34,526.52; 15 x 91.340 = 1,370.10.
    {"hcpcs": "J9022", "quarter": "2025 Q4", "claims": "4", "administered_units": "378",
     "jw_units": "15", "jz_claims": "2", "jw_share_percent": "3.8",
     "administered_usd": "34526.52", "jw_usd": "1370.10", "priced_claims": "3",
     "above_10_percent": "no", "mismatches": "1", "errors": "1",
     "mismatch_reasons": "JZ where it does not belong: 1"},
    # J9022 2026 Q1: no file covers January 2026: dollars withheld.
    {"hcpcs": "J9022", "quarter": "2026 Q1", "claims": "1", "administered_units": "84",
     "jw_units": "0", "jz_claims": "1", "jw_share_percent": "0.0", "administered_usd": "",
     "jw_usd": "", "priced_claims": "0", "above_10_percent": "no", "mismatches": "0",
     "errors": "0", "mismatch_reasons": ""},
    # J9035 2025 Q4: 15 x 73.201 = 1,098.015 -> 1,098.02; 5 x 73.201 = 366.005 -> 366.01
    # (half up); 5 / 20 = 25%: above the 10% signal.
    {"hcpcs": "J9035", "quarter": "2025 Q4", "claims": "1", "administered_units": "15",
     "jw_units": "5", "jz_claims": "0", "jw_share_percent": "25.0",
     "administered_usd": "1098.02", "jw_usd": "366.01", "priced_claims": "1",
     "above_10_percent": "yes", "mismatches": "0", "errors": "0", "mismatch_reasons": ""},
    # J9299 2025 Q4: 480 + 200 + 240 = 920 units, JW 40; 40 / 960 = 4.2%;
    # 920 x 32.964 = 30,326.88; 40 x 32.964 = 1,318.56.
    {"hcpcs": "J9299", "quarter": "2025 Q4", "claims": "3", "administered_units": "920",
     "jw_units": "40", "jz_claims": "2", "jw_share_percent": "4.2",
     "administered_usd": "30326.88", "jw_usd": "1318.56", "priced_claims": "3",
     "above_10_percent": "no", "mismatches": "2", "errors": "0",
     "mismatch_reasons": "modifier DoseUnits does not know: 1; "
     "waste beyond the least-waste vials: 1"},
]  # fmt: skip


@pytest.fixture
def claims(tmp_path: Path) -> Path:
    path = tmp_path / "claims.csv"
    path.write_text(HEADER + "\n" + "\n".join(CLAIMS) + "\n", encoding="utf-8")
    return path


def test_the_summary_csv_is_the_hand_worked_one(
    claims: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, summary = tmp_path / "report.csv", tmp_path / "summary.csv"
    code = main(["audit", str(claims), "-o", str(out), "--summary", str(summary)])
    printed = capsys.readouterr().out
    assert code == 1  # mismatches and errors, as without the summary
    assert printed == (
        f"10 rows: 5 ok, 3 mismatch, 2 error; report written to {out}, summary to {summary}\n"
    )
    with summary.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [{key: row[key] for key in EXPECTED[0]} for row in rows] == EXPECTED
    assert [row["drug"] for row in rows] == [
        "Atezolizumab (Tecentriq)", "Atezolizumab (Tecentriq)", "Bevacizumab (Avastin)",
        "Nivolumab (Opdivo)",
    ]  # fmt: skip
    assert rows[0]["pricing"] == "$91.340 per unit (2025-10-asp-pricing-file.csv)"
    assert rows[1]["pricing"] == (
        "withheld: no payment limit file covers 2026-01-05 (imported: 2025-10-01 to "
        "2025-12-31); import that quarter's CMS file"
    )
    assert (rows[0]["quarter_start"], rows[0]["quarter_end"]) == ("2025-10-01", "2025-12-31")
    assert Decimal(rows[0]["jw_usd"]) == 15 * Decimal("91.340")


def test_the_report_passes_known_modifiers_through_and_flags_unknown_ones(
    claims: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.csv"
    assert main(["audit", str(claims), "-o", str(out)]) == 1
    with out.open(encoding="utf-8", newline="") as stream:
        report = list(csv.DictReader(stream))
    po, xx = report[3], report[5]
    assert (po["billed_modifier"], po["status"], po["reason"]) == ("JZ PO", "ok", "")
    assert (xx["billed_modifier"], xx["status"]) == ("JZ XX", "mismatch")
    assert xx["reason"] == (
        "modifier XX is not one DoseUnits knows; check it (the units and JW/JZ were checked "
        "without it)"
    )


# UD is Medicaid's 340B modifier: on these Medicare rows the 340B check makes it a
# mismatch ("Medicare's are JG and TB"), so it is not in this list.
PASSED = ["PO", "PN", "JA", "JB", "KX", "GA", "GY", "GZ", "SL", "TB", "JG", "KP", "KQ"]


@pytest.mark.parametrize("modifier", [*PASSED, "JZ,KX,GA", "tb jz"])
def test_every_modifier_a_claim_line_carries_is_passed_through(
    modifier: str, tmp_path: Path
) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    jz = "jz" in modifier.lower()
    row = (
        "2025-11-20,atezolizumab,1680,840x2,168,{},0"
        if jz
        else "2025-11-15,atezolizumab,1050,1200x1,105,{},15"
    )
    source.write_text(f"{HEADER}\n{row.format(chr(34) + modifier + chr(34))}\n", encoding="utf-8")
    assert main(["audit", str(source), "-o", str(out)]) == 0


def test_a_payer_profiles_own_340b_modifier_is_known(tmp_path: Path) -> None:
    from doseunits.app.folders import config_dir

    folder = config_dir() / "payers"
    folder.mkdir(parents=True)
    (folder / "state.toml").write_text(
        '[[payer]]\nid = "state-medicaid"\nname = "State Medicaid"\njw_billable = true\n'
        'jz_required = true\nline_per_ndc = true\nndc_required = true\nmodifier_340b = "U8"\n'
        'source = "state manual"\n',
        encoding="utf-8",
    )
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(
        f"{HEADER}\n2025-11-20,atezolizumab,1680,840x2,168,JZ U8,0\n", encoding="utf-8"
    )
    assert main(["audit", str(source), "-o", str(out)]) == 0


def test_audit_rows_naming_no_payer_use_the_sites_medicare_part_b(tmp_path: Path) -> None:
    from doseunits.app.folders import config_dir

    folder = config_dir() / "payers"
    folder.mkdir(parents=True)
    (folder / "medicare.toml").write_text(
        '[[payer]]\nid = "medicare-part-b"\nname = "Medicare Part B (site)"\n'
        "jw_billable = false\njz_required = true\nline_per_ndc = false\nndc_required = false\n"
        'modifier_340b = "TB"\nsource = "site contract"\n',
        encoding="utf-8",
    )
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(f"{HEADER}\n2025-11-15,atezolizumab,1050,1200x1,105,,15\n", encoding="utf-8")
    assert main(["audit", str(source), "-o", str(out)]) == 1
    with out.open(encoding="utf-8", newline="") as stream:
        [row] = list(csv.DictReader(stream))
    assert (row["expected_jw_units"], row["status"]) == ("0", "mismatch")
    assert row["reason"] == (
        "JW line billed but Medicare Part B (site) does not pay for discarded drug"
    )
