"""docs/billing-rules.md §3.9: the Medicare 340B modifier by the site's entity type and the
date of service, in the engine, `calc`, the audit and the site's settings."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from doseunits.app.folders import config_dir
from doseunits.app.site import Site, load_default_payers
from doseunits.audit.auditor import REQUIRED_COLUMNS, Auditor, audit_rows, open_report
from doseunits.catalog.model import Catalog
from doseunits.cli.main import main
from doseunits.engine.billing import BillingResult, compute
from doseunits.engine.draft import OrderDraft, build_order
from doseunits.engine.order import DoseOrder
from doseunits.payers.model import ENTITIES_340B, EVERY_ENTITY_340B, JG_TB_CREATED

PAYERS = load_default_payers()
DAY = dt.timedelta(days=1)
JG_SINCE_2018 = ("dsh", "rural-referral-center", "non-rural-sch")
TB_SINCE_2018 = ("rural-sch", "childrens", "cancer-hospital")
JG_SINCE_2024 = ("grantee",)
TB_SINCE_2024 = ("critical-access", "maryland", "non-excepted-pbd")


def modifiers(result: BillingResult) -> list[tuple[str, ...]]:
    return [line.modifiers for line in result.lines]


def order(
    catalog: Catalog, day: dt.date, entity: str, dose: str = "1050", **kw: object
) -> DoseOrder:
    drug = catalog.find("atezolizumab")
    return DoseOrder(drug, day, dose_mg=Decimal(dose), acquired_340b=True, entity_340b=entity,
                     **kw)  # type: ignore[arg-type]  # fmt: skip


def test_every_entity_type_is_listed_once_with_its_modifier_and_date() -> None:
    listed = (*JG_SINCE_2018, *TB_SINCE_2018, *JG_SINCE_2024, *TB_SINCE_2024)
    assert sorted(listed) == sorted(ENTITIES_340B)
    for entity in listed:
        known = ENTITIES_340B[entity]
        assert known.modifier == ("JG" if entity in (*JG_SINCE_2018, *JG_SINCE_2024) else "TB")
        want = JG_TB_CREATED if entity in (*JG_SINCE_2018, *TB_SINCE_2018) else (EVERY_ENTITY_340B)
        assert known.since == want


@pytest.mark.parametrize("entity", sorted(ENTITIES_340B))
def test_date_boundaries(catalog: Catalog, entity: str) -> None:
    """The day before an entity must mark 340B drugs: no modifier and a warning saying
    from when; on that day and after (2024, 2025, 2026): its modifier on both lines."""
    known = ENTITIES_340B[entity]
    before = compute(order(catalog, known.since - DAY, entity))
    assert modifiers(before) == [(), ("JW",)]
    (told,) = [w.text for w in before.warnings if w.field == "payer"]
    assert known.since.isoformat() in told
    assert any("340B-acquired drug: no 340B modifier" in s for s in before.steps)
    for day in (known.since, dt.date(2024, 12, 31), dt.date(2025, 1, 1), dt.date(2026, 11, 28)):
        if day < known.since:
            continue
        after = compute(order(catalog, day, entity))
        assert modifiers(after) == [(known.modifier,), ("JW", known.modifier)], day
        assert not [w for w in after.warnings if w.field == "payer"]
        assert f"340B-acquired drug: {known.modifier} on every line." in after.steps


def test_no_jg_or_tb_before_2018(catalog: Catalog) -> None:
    result = compute(order(catalog, dt.date(2017, 12, 31), "", dose="1680"))
    assert modifiers(result) == [()]  # no JZ before 2023 either
    (told,) = [w.text for w in result.warnings if w.field == "payer"]
    assert "JG and TB exist from 2018-01-01" in told


def test_entity_not_set_keeps_tb_and_says_to_set_it(catalog: Catalog) -> None:
    result = compute(order(catalog, dt.date(2026, 11, 28), "", dose="1680"))
    assert modifiers(result) == [("JZ", "TB")]
    (told,) = [w.text for w in result.warnings if w.field == "payer"]
    assert "[billing] entity_340b in site-settings.toml" in told
    assert "use JG" in told


def test_a_profile_naming_its_own_modifier_overrides_the_entity(catalog: Catalog) -> None:
    """Medicaid's UD on every date; a site's Medicare override too."""
    medicaid = PAYERS.find("medicaid")
    result = compute(order(catalog, dt.date(2026, 11, 28), "dsh", payer=medicaid))
    assert {line.modifiers[-1] for line in result.lines} == {"UD"}
    assert not [w for w in result.warnings if w.field == "payer"]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_site_sets_it_once_and_calc_reads_it(
    capsys: pytest.CaptureFixture[str], catalog: Catalog
) -> None:
    write(config_dir() / "site-settings.toml", '[billing]\nentity_340b = "dsh"\n')
    site = Site.load()
    assert site.payers.entity_340b == "dsh"
    built = build_order(OrderDraft("atezolizumab", "2026-11-28", dose="1050",
                                   acquired_340b=True), site.catalog, site.payers)  # fmt: skip
    assert modifiers(compute(built)) == [("JG",), ("JW", "JG")]
    code = main(["calc", "--drug", "atezolizumab", "--dose", "1050", "--date", "2026-11-28",
                 "--340b", "--json"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [line["modifiers"] for line in out["lines"]] == [["JG"], ["JW", "JG"]]
    # A site's own Medicare profile naming TB wins over the entity type.
    write(config_dir() / "payers" / "ours.toml", (
        '[[payer]]\nid = "medicare-part-b"\nname = "Medicare Part B (our MAC)"\n'
        'jw_billable = true\njz_policy = "required"\nline_per_ndc = false\n'
        'ndc_required = false\nmodifier_340b = "TB"\nsource = "MAC letter 2025"\n'))  # fmt: skip
    main(["calc", "--drug", "atezolizumab", "--dose", "1050", "--date", "2026-11-28",
          "--340b", "--payer", "medicare-part-b", "--json"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert [line["modifiers"] for line in out["lines"]] == [["TB"], ["JW", "TB"]]


def test_a_bad_entity_in_the_site_file_is_logged_and_not_set(
    caplog: pytest.LogCaptureFixture,
) -> None:
    write(config_dir() / "site-settings.toml", '[billing]\nentity_340b = "hospital"\n')
    assert Site.load().payers.entity_340b == ""
    assert "not one of dsh" in caplog.text


def audit(catalog: Catalog, entity: str | None, *rows: str) -> list[tuple[str, str]]:
    header = ",".join((*REQUIRED_COLUMNS, "payer"))
    reader, writer = open_report(
        io.StringIO("\n".join((header, *rows)) + "\n"), out := io.StringIO()
    )
    audit_rows(reader, writer, Auditor(catalog, PAYERS, entity))
    return [(r["status"], r["reason"]) for r in csv.DictReader(io.StringIO(out.getvalue()))]


def test_the_audit_checks_the_340b_modifier_by_entity_and_date(catalog: Catalog) -> None:
    rows = (
        "2026-11-28,J9022,1680,840x2,168,JZ JG,0,",  # a DSH's JG: ok
        "2026-11-28,J9022,1680,840x2,168,JZ TB,0,",  # TB from a DSH: mismatch
        "2017-12-31,J9022,1680,840x2,168,JG,0,",  # before JG existed
        "2026-11-28,J9022,1680,840x2,168,JZ,0,",  # no 340B modifier: not checked
        "2026-11-28,J9022,1680,840x2,168,JZ UD,0,medicaid",  # Medicaid's own: ok
        "2026-11-28,J9022,1680,840x2,168,JZ JG,0,medicaid",  # not Medicaid's
    )
    assert audit(catalog, "dsh", *rows) == [
        ("ok", ""),
        ("mismatch", "340B modifier TB billed; a disproportionate share hospital marks "
         "340B-acquired drugs with JG"),
        ("mismatch", "340B modifier JG billed for a date of service before 2018-01-01, when JG "
         "and TB did not exist yet"),
        ("ok", ""),
        ("ok", ""),
        ("mismatch", "340B modifier JG billed; Medicaid (NDC lines required)'s 340B modifier "
         "is UD"),
    ]  # fmt: skip
    # A critical access hospital: TB; in 2023 it was not yet required, and TB was accepted.
    assert audit(catalog, "critical-access", "2023-06-01,J9022,1680,840x2,168,JZ TB,0,",
                 "2026-11-28,J9022,1680,840x2,168,JZ JG,0,") == [
        ("ok", ""),
        ("mismatch", "340B modifier JG billed; a critical access hospital marks 340B-acquired "
         "drugs with TB"),
    ]  # fmt: skip
    # The site's type not set: JG and TB both pass, UD does not under Medicare.
    assert [s for s, _ in audit(catalog, None, *rows[:2], "2026-11-28,J9022,1680,840x2,168,"
                                "JZ UD,0,")] == ["ok", "ok", "mismatch"]  # fmt: skip


def test_the_auditor_takes_the_entity_its_payers_were_loaded_for(catalog: Catalog) -> None:
    assert Auditor(catalog, PAYERS.for_entity("childrens")).entity_340b == "childrens"
    assert Auditor(catalog, load_default_payers).entity_340b == ""
