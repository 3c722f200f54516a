"""The command-line contract of `doseunits calc`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from doseunits.cli.main import main


def calc(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["calc", *args])
    out, err = capsys.readouterr()
    return code, out, err


def calc_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = calc(capsys, *args, "--json")
    assert (code, err) == (0, "")
    result: dict[str, Any] = json.loads(out)
    return result


def test_atezolizumab_json(capsys: pytest.CaptureFixture[str]) -> None:
    result = calc_json(capsys, "--drug", "atezolizumab", "--dose", "1050", "--date", "2026-11-28")
    admin, jw = result["lines"]
    assert admin == {
        "kind": "administered", "hcpcs": "J9022", "modifiers": [], "units": 105,
        "ndc": "50242-0917-01", "ndc_quantity": "17.5", "ndc_unit": "ML",
        "n4": "N450242091701 ML17.5",
        "ndcs": [{"ndc": "50242-0917-01", "ndc_11": "50242091701", "quantity": "17.5",
                  "unit": "ML", "n4": "N450242091701 ML17.5"}],
        "allowed_usd": None,  # 2026-11-28: no payment limit file covers it (withheld)
    }  # fmt: skip
    assert (jw["modifiers"], jw["units"], jw["n4"]) == (["JW"], 15, "N450242091701 ML2.5")
    assert result["administered_mg"] == "1050"
    assert result["discarded_mg"] == "150"
    assert [(v["ndc"], v["strength_mg"], v["count"]) for v in result["vials"]] == [
        ("50242-0917-01", "1200", 1)
    ]
    assert result["warnings"] == []
    assert "J9022-JW x 15 units" in result["snippet"]


def test_jz_case_and_hcpcs_lookup(capsys: pytest.CaptureFixture[str]) -> None:
    result = calc_json(capsys, "--drug", "J9022", "--dose", "1680", "--vial", "840x2",
                       "--date", "2026-11-28")  # fmt: skip
    assert [(line["modifiers"], line["units"]) for line in result["lines"]] == [(["JZ"], 168)]


def test_weight_based_with_cap_and_ndc_vials(capsys: pytest.CaptureFixture[str]) -> None:
    result = calc_json(
        capsys, "--drug", "atezolizumab", "--dose-per-kg", "15", "--weight", "90",
        "--max-dose", "1200", "--vial", "50242-0917-01x1", "--date", "2026-11-28",
    )  # fmt: skip
    assert result["ordered_mg"] == "1200"
    assert [(line["modifiers"], line["units"]) for line in result["lines"]] == [(["JZ"], 120)]


def test_wasteful_vials_warn_and_show_the_plan(capsys: pytest.CaptureFixture[str]) -> None:
    result = calc_json(capsys, "--drug", "atezolizumab", "--dose", "800", "--vial", "1200")
    assert len(result["warnings"]) == 1
    assert "least-waste plan for 800 mg is 1 x 840 mg" in result["warnings"][0]
    assert result["least_waste_plan"] == [
        {
            "ndc": "50242-0918-01",
            "strength": {"amount": "840", "unit": "mg"},
            "strength_mg": "840",
            "count": 1,
        }
    ]


def test_default_date_is_today(capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    result = calc_json(capsys, "--drug", "atezolizumab", "--dose", "1200")
    assert result["date_of_service"] == dt.date.today().isoformat()


def test_text_output_is_aligned_and_has_the_note(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = calc(capsys, "--drug", "atezolizumab", "--dose", "1050", "--preparer", "RPh AB")
    assert code == 0
    assert "J9022  JW      15  50242-0917-01  2.5 ML   N450242091701 ML2.5" in out
    assert "Prepared by: RPh AB" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--drug", "J9317x", "--dose", "10"], "No drug 'J9317x' in the catalog"),
        (["--drug", "atezolizumab", "--dose", "0"], "more than 0"),
        (["--drug", "atezolizumab", "--dose", "abc"], "must be a number"),
        (["--drug", "atezolizumab", "--dose", "nan"], "finite"),
        (["--drug", "atezolizumab", "--dose", "1050", "--vial", "840"], "add vials"),
        (["--drug", "atezolizumab", "--dose", "100", "--vial", "1300"], "no 1300 mg vial"),
        (["--drug", "atezolizumab", "--dose", "1", "--vial", "50242-0999-01"], "not in the"),
        (["--drug", "atezolizumab", "--dose", "100", "--vial", "00003-3734-13"], "Nivolumab"),
        (["--drug", "atezolizumab", "--dose", "100", "--vial", "840x0"], "from 1 to 1000"),
        (["--drug", "atezolizumab", "--dose", "100", "--vial", "big"], "STRENGTH[xCOUNT]"),
        (["--drug", "atezolizumab", "--dose-per-kg", "15"], "needs the patient's weight"),
        (["--drug", "atezolizumab", "--dose", "100", "--date", "2026-13-01"], "YYYY-MM-DD"),
        (["--drug", "atezolizumab", "--dose", "100", "--date", "28/11/2026"], "YYYY-MM-DD"),
        (["--dose", "100"], "required: --drug"),
        (["--drug", "atezolizumab", "--dose", "abc"], "The dose (--dose, mg) must be a number"),
        (["--drug", "atezolizumab", "--dose", "1050", "--administered", " "],
         "The administered amount is empty"),
        (["--drug", "atezolizumab", "--dose", "100", "--payer", "nobody"], "No payer profile"),
        (["--drug", "atezolizumab", "--dose", "1", "--catalog", "/no/such.toml"], "does not exist"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_sentence(
    capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, out, err = calc(capsys, *args)
    assert code == 2
    assert out == ""
    assert words in err
    assert err.count("\n") == 1
    assert err.startswith("doseunits: ")
    assert "Traceback" not in err


def test_malformed_catalog_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[drug]]\nid = 'x'\n", encoding="utf-8")
    code, _, err = calc(capsys, "--drug", "x", "--dose", "1", "--catalog", str(bad))
    assert code == 2
    assert str(bad) in err
    assert "drug 'x'" in err


def test_site_template_replaces_the_note(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    template = tmp_path / "t.txt"
    template.write_text("$hcpcs $administered_mg mg\n$lines\n", encoding="utf-8")
    result = calc_json(
        capsys, "--drug", "atezolizumab", "--dose", "1050", "--template", str(template)
    )
    assert result["snippet"].startswith("J9022 1050 mg\n- J9022 x 105 units")
    template.write_text("$nonsense\n", encoding="utf-8")
    code, _, err = calc(
        capsys, "--drug", "atezolizumab", "--dose", "1050", "--template", str(template)
    )
    assert code == 2
    assert "$nonsense" in err


def test_python_dash_m_runs_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "doseunits", "calc", "--drug", "J9022", "--dose", "1050", "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["lines"][1]["units"] == 15
    bad = subprocess.run(
        [sys.executable, "-m", "doseunits", "calc", "--drug", "J9022", "--dose", "-1"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1


def test_site_catalog_in_the_config_folder_is_picked_up(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "config" / "catalog"  # DOSEUNITS_CONFIG_DIR points at tmp/config
    folder.mkdir(parents=True)
    (folder / "site.toml").write_text(
        '[[drug]]\nid = "site-drug"\nname = "Site drug"\nhcpcs = "J9999"\n'
        'descriptor = "Site drug, 5 mg"\nbilling_unit_mg = "5"\nverified = false\n'
        'source = "site pharmacy"\n[[drug.presentation]]\nndc = "99999-0001-01"\n'
        'strength_mg = "100"\nvolume_ml = "10"\ncontainer = "multi-dose"\n',
        encoding="utf-8",
    )
    result = calc_json(capsys, "--drug", "site-drug", "--dose", "42")
    assert [(line["modifiers"], line["units"]) for line in result["lines"]] == [([], 9)]
    assert any("Unverified catalog facts" in w for w in result["warnings"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--dose", "1e28"], "far too large"),
        (["--dose", "1e999999"], "must be a number"),
        (["--dose", "1_050"], "must be a number"),
        (["--dose", "\u0661\u0662\u0663"], "must be a number"),  # Arabic-Indic digits
        (["--dose", "180.00000000000000000000000001"], "more than 6 decimal places"),
        (["--dose-per-kg", "15", "--weight", "0.0000001"], "more than 6 decimal places"),
        (["--dose", "840", "--vial", "840x" + "1" * 5000], "from 1 to 1000"),
        (["--dose", "840", "--round-within", "1e30"], "far too large"),
        (["--dose", "840", "--round-within", "-5"], "from 0 to 100"),
        (["--dose", "840", "--date", "2024-W01-1"], "YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_hostile_numbers_are_one_sentence_not_a_traceback(
    capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, _, err = calc(capsys, "--drug", "atezolizumab", *args)
    assert code == 2
    assert words in err
    assert err.count("\n") == 1
    assert len(err) < 300


def test_no_waste_payer_reports_the_discarded_units_as_not_billable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = calc_json(capsys, "--drug", "atezolizumab", "--dose", "1050",
                       "--payer", "commercial-no-waste")  # fmt: skip
    assert (result["jw_units"], result["discarded_units"]) == (0, 15)
    _, out, _ = calc(capsys, "--drug", "atezolizumab", "--dose", "1050",
                     "--payer", "commercial-no-waste")  # fmt: skip
    assert "15 units, not billable for Commercial" in out


def test_self_test_from_source_passes_quietly(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "DOSEUNITS_CONFIG_DIR": str(tmp_path / "c"),
        "DOSEUNITS_DATA_DIR": str(tmp_path / "d"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "doseunits", "--self-test"],
        capture_output=True, text=True, check=False, env=env, timeout=120,
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "self-test passed\n", "")


def test_without_arguments_the_window_opens(tmp_path: Path) -> None:
    """``python -m doseunits`` paints the window's first frame (in the start-up benchmark's
    mode, which reports that moment and ends the process there)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DOSEUNITS_EXIT_AFTER_START": "1",
           "DOSEUNITS_CONFIG_DIR": str(tmp_path), "DOSEUNITS_DATA_DIR": str(tmp_path)}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "doseunits"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    words = done.stdout.split()
    assert (words[0], words[2]) == ("shown-at", "cpu"), done.stdout
    assert 0 < float(words[3]) < 60


def test_a_bug_exits_3_with_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not the input's fault: 3, never 1 (the audit's "some rows need a look") or 2."""
    from doseunits.cli import commands

    def broken(args: object) -> int:
        raise RuntimeError("a slip in the code")

    monkeypatch.setattr(commands, "_calc", broken)
    assert main(["calc", "--drug", "atezolizumab", "--dose", "1050"]) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "doseunits: unexpected error, a bug to report: RuntimeError: a slip in the code.\n"
    )
