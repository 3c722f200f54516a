"""calc's dollars: each line's allowed amount at the payment limit of the date of service."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from doseunits.app.folders import config_dir
from doseunits.cli.main import main

ATEZOLIZUMAB = ("calc", "--drug", "atezolizumab", "--dose", "1050")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, *args, "--json")
    assert (code, err) == (0, "")
    result: dict[str, Any] = json.loads(out)
    return result


def test_the_worked_example_at_the_october_2025_limits(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = as_json(capsys, *ATEZOLIZUMAB, "--date", "2025-11-15")
    admin, jw = result["lines"]
    assert (admin["units"], admin["allowed_usd"]) == (105, "9590.70")
    assert (jw["modifiers"], jw["units"], jw["allowed_usd"]) == (["JW"], 15, "1370.10")
    assert (result["administered_usd"], result["jw_usd"], result["discarded_usd"]) == (
        "9590.70", "1370.10", "1370.10",
    )  # fmt: skip
    assert result["pricing"] == {
        "priced": True,
        "per_unit_usd": "91.340",
        "quarter": {"start": "2025-10-01", "end": "2025-12-31"},
        "source": "2025-10-asp-pricing-file.csv",
        "basis": "Medicare Part B payment limit",
    }
    code, text, _ = run(capsys, *ATEZOLIZUMAB, "--date", "2025-11-15")
    assert code == 0
    assert "Allowed           $9,590.70 administered, $1,370.10 JW\n" in text
    assert (
        "Priced at         Medicare Part B payment limit $91.340 per unit, 2025-10-01 to "
        "2025-12-31 (2025-10-asp-pricing-file.csv)\n"
    ) in text


def test_outside_every_quarter_the_dollars_are_withheld_and_say_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = as_json(capsys, *ATEZOLIZUMAB, "--date", "2026-01-02")
    assert [line["allowed_usd"] for line in result["lines"]] == [None, None]
    assert (result["administered_usd"], result["discarded_usd"]) == (None, None)
    assert result["pricing"] == {
        "priced": False,
        "reason": "no payment limit file covers 2026-01-02 (imported: 2025-10-01 to "
        "2025-12-31); import that quarter's CMS file",
    }
    _, text, _ = run(capsys, *ATEZOLIZUMAB, "--date", "2026-01-02")
    assert "Allowed           withheld: no payment limit file covers 2026-01-02" in text
    assert "$" not in text.split("Claim lines")[0]


def test_a_payer_without_jw_lines_still_shows_what_the_waste_was_worth(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = (*ATEZOLIZUMAB, "--date", "2025-11-15", "--payer", "medicare-jw-jz-not-applicable")
    result = as_json(capsys, *args)
    assert [line["allowed_usd"] for line in result["lines"]] == ["9590.70"]
    assert (result["jw_usd"], result["discarded_usd"]) == ("0.00", "1370.10")
    _, text, _ = run(capsys, *args)
    assert "$9,590.70 administered; discarded worth $1,370.10, not billed" in text


def test_a_site_note_may_carry_the_dollars(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    template = tmp_path / "note.txt"
    template.write_text(
        "$hcpcs allowed $administered_usd, JW $jw_usd, waste $discarded_usd "
        "at $payment_limit.\n$pricing\n",
        encoding="utf-8",
    )
    result = as_json(capsys, *ATEZOLIZUMAB, "--date", "2025-11-15", "--template", str(template))
    assert result["snippet"] == (
        "J9022 allowed $9,590.70, JW $1,370.10, waste $1,370.10 at $91.340 per unit.\n"
        "Medicare Part B payment limit $91.340 per unit, 2025-10-01 to 2025-12-31 "
        "(2025-10-asp-pricing-file.csv)\n"
    )
    later = as_json(capsys, *ATEZOLIZUMAB, "--date", "2026-01-02", "--template", str(template))
    assert later["snippet"].startswith("J9022 allowed withheld (no payment limit file covers")
    assert "Not priced: no payment limit file covers 2026-01-02" in later["snippet"]


def test_the_shipped_note_carries_no_dollars(capsys: pytest.CaptureFixture[str]) -> None:
    result = as_json(capsys, *ATEZOLIZUMAB, "--date", "2025-11-15")
    assert "$" not in result["snippet"]
    assert "9,590" not in result["snippet"]


SITE_MEDICARE = (
    '[[payer]]\nid = "medicare-part-b"\nname = "Medicare Part B (site)"\n'
    "jw_billable = false\njz_required = true\nline_per_ndc = false\nndc_required = false\n"
    'modifier_340b = "JG"\nsource = "site contract"\n'
)


def site_medicare() -> None:
    folder = config_dir() / "payers"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "medicare.toml").write_text(SITE_MEDICARE, encoding="utf-8")


def test_plain_calc_uses_the_sites_override_of_medicare_part_b(
    capsys: pytest.CaptureFixture[str],
) -> None:
    site_medicare()
    result = as_json(capsys, *ATEZOLIZUMAB, "--date", "2025-11-15", "--340b")
    assert [line["kind"] for line in result["lines"]] == ["administered"]  # no JW line
    assert result["lines"][0]["modifiers"] == ["JG"]
    assert "Payer profile: Medicare Part B (site) (340B-acquired)" in result["snippet"]
