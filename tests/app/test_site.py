"""Site.load(): the one composition root of the command line, the window and the self-test."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from doseunits.app.folders import config_dir, data_dir
from doseunits.app.settings import RETENTION_DAYS
from doseunits.app.site import Site
from doseunits.cli.main import main

ACME = (
    '[[payer]]\nid = "acme"\nname = "Acme Health"\njw_billable = true\njz_required = true\n'
    'line_per_ndc = false\nndc_required = false\nmodifier_340b = "TB"\nsource = "contract"\n'
)
DRUG = """
[[drug]]
id = "site-drug"
name = "Site drug"
hcpcs = "J9998"
descriptor = "Test drug, 10 mg"
billing_unit_mg = 10
verified = true
source = "site test"

[[drug.presentation]]
ndc = "99999-0001-01"
strength_mg = 100
volume_ml = 10
container = "single-dose"
verified = true
source = "site test"
"""


def site_file(name: str, text: str) -> Path:
    path = config_dir() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_site_is_the_shipped_files_and_the_sites_own(tmp_path: Path) -> None:
    site_file("catalog/ours.toml", DRUG)
    site_file("payers/ours.toml", ACME)
    site_file("note.txt", "Site note for $hcpcs\n")
    site_file("site-settings.toml", "[history]\nretention_days = 30\n")
    site = Site.load()
    assert site.catalog.find("site-drug").hcpcs == "J9998"
    assert site.catalog.find("atezolizumab").hcpcs == "J9022"  # shipped, still there
    assert site.payers.find("acme").name == "Acme Health"
    assert site.payers.find("medicaid").line_per_ndc  # shipped
    assert site.template.template == "Site note for $hcpcs\n"
    assert site.settings.fixes(RETENTION_DAYS)
    assert (site.config_dir, site.data_dir) == (config_dir(), data_dir())
    assert site.user_settings_file == config_dir() / "settings.ini"
    extra = tmp_path / "extra.toml"
    extra.write_text(DRUG.replace("Site drug", "Extra drug"), encoding="utf-8")
    note = tmp_path / "other.txt"
    note.write_text("Other note\n", encoding="utf-8")
    given = Site.load([extra], note)  # the command line's --catalog and --template
    assert given.catalog.find("site-drug").name == "Extra drug"
    assert given.template.template == "Other note\n"


def test_a_loaded_site_is_not_changed() -> None:
    site = Site.load()
    with pytest.raises(AttributeError, match="not changed"):
        site.catalog = site.catalog
    with pytest.raises(AttributeError, match="not changed"):
        del site.payers


def test_a_site_payer_profile_applies_to_the_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site_file("payers/ours.toml", ACME)
    source = tmp_path / "claims.csv"
    source.write_text(
        "date_of_service,drug,administered_mg,vials,billed_units,billed_modifier,"
        "billed_jw_units,payer\n2026-11-28,atezolizumab,1050,1200x1,105,,15,acme\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.csv"
    assert main(["audit", str(source), "-o", str(report)]) == 0
    assert capsys.readouterr().out.startswith("1 rows: 1 ok, 0 mismatch, 0 error;")
    with report.open(encoding="utf-8", newline="") as stream:
        (row,) = csv.DictReader(stream)
    assert (row["status"], row["expected_jw_units"]) == ("ok", "15")


def test_a_malformed_site_payer_file_is_one_sentence_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = site_file("payers/ours.toml", ACME.replace("jw_billable = true", 'jw_billable = "y"'))
    code = main(["calc", "--drug", "atezolizumab", "--dose", "1050", "--payer", "acme"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        f"doseunits: Payer file {path}, payer 'acme', key 'jw_billable': must be true or false.\n"
    )
