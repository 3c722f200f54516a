"""Drugs in their own measure: mass (mg, mcg, g converted exactly) and units of activity.

The drugs are tests/data/measures.toml: a filgrastim-like drug billed per 1 mcg (300 and
480 mcg syringes) and an epoetin-like one per 1000 units (10000- and 2000-unit vials),
both made up (labeler 99999).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from string import Template
from typing import Any

import pytest

from doseunits.app.site import load_default_catalog, load_template
from doseunits.audit.auditor import Auditor, audit_rows, open_report
from doseunits.catalog.files import load_catalog
from doseunits.catalog.model import Catalog, Drug
from doseunits.cli.main import main
from doseunits.engine.billing import compute
from doseunits.engine.order import DoseOrder
from doseunits.engine.rounding import suggest_rounding
from doseunits.engine.vialspec import parse_vial
from doseunits.errors import CatalogError, InputError, TemplateError
from doseunits.outputs.note import render_note
from doseunits.outputs.result_text import as_dict, as_text
from doseunits.payers.model import PayerList
from doseunits.quantities import MCG, MG, UNITS, Amount, G, MeasureError, amount_in, parse_amount

MEASURES = Path(__file__).resolve().parents[1] / "data" / "measures.toml"
DAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def measured() -> Catalog:
    return load_default_catalog([MEASURES])


@pytest.fixture(scope="module")
def mcg_drug(measured: Catalog) -> Drug:
    return measured.find("fixture-mcg")


@pytest.fixture(scope="module")
def units_drug(measured: Catalog) -> Drug:
    return measured.find("fixture-units")


# Amounts ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("10 mg", "10", MG), ("10mg", "10", MG), ("1 mcg", "1", MCG), ("1 MCG", "1", MCG),
        ("1000 units", "1000", UNITS), ("1 unit", "1", UNITS), ("0.1 mg", "0.1", MG),
        ("2 g", "2", G),
    ],
)  # fmt: skip
def test_amounts_are_read_with_their_unit(text: str, value: str, unit: object) -> None:
    assert parse_amount(text, "The amount") == Amount(Decimal(value), unit)  # type: ignore[arg-type]


def test_mass_converts_exactly_and_never_mixes_with_units() -> None:
    assert Amount(Decimal("0.48"), MG).to(MCG) == Decimal(480)
    assert str(Amount(Decimal("0.48"), MG).to(MCG)) == "480"  # no exponent for the engine
    assert Amount(Decimal(480), MCG).to(MG) == Decimal("0.48")
    assert Amount(Decimal(1), G).to(MG) == Decimal(1000)
    assert Amount(Decimal(480), MCG) == Amount(Decimal("0.48"), MG)
    assert Amount(Decimal(300), MCG) + Amount(Decimal("0.18"), MG) == Amount(Decimal(480), MCG)
    assert Amount(Decimal(300), MCG) < Amount(Decimal("0.48"), MG)
    assert str(Amount(Decimal(480), MCG)) == "480 mcg"
    assert Amount(Decimal(1000), UNITS) != Amount(Decimal(1000), MG)
    with pytest.raises(MeasureError, match="1000 units is not an amount in mg"):
        Amount(Decimal(1000), UNITS).to(MG)
    with pytest.raises(MeasureError):
        _ = Amount(Decimal(1), MG) + Amount(Decimal(1), UNITS)


def test_a_typed_amount_lands_in_the_drugs_measure() -> None:
    assert amount_in("0.48 mg", MCG, "The dose") == Decimal(480)
    assert amount_in("480", MCG, "The dose") == Decimal(480)
    assert amount_in("480 mcg", MG, "The dose") == Decimal("0.48")
    assert amount_in(Decimal(5), UNITS, "The dose") == Decimal(5)


@pytest.mark.parametrize(
    ("text", "measure", "words"),
    [
        ("5 units", MG, "The dose is in units, but this drug is measured in mg"),
        ("5 mg", UNITS, "The dose is in mg, but this drug is measured in units"),
        ("100,000 units", UNITS, "must be a number"),
        ("10 ug", MCG, "unknown unit 'ug'; write one of mg, mcg, g, units"),
        ("10 IU", UNITS, "unknown unit 'IU'"),
        ("mg", MG, "must be a number"),
        ("0.0000001 mcg", MG, "more than 6 decimal places"),
        ("", MG, "empty"),
    ],
)  # fmt: skip
def test_bad_amounts_are_one_sentence(text: str, measure: object, words: str) -> None:
    with pytest.raises(InputError, match=words) as caught:
        amount_in(text, measure, "The dose", "dose")  # type: ignore[arg-type]
    assert caught.value.field == "dose"


# The catalog ----------------------------------------------------------------------------
def test_the_catalog_reads_each_drugs_measure(mcg_drug: Drug, units_drug: Drug) -> None:
    assert (mcg_drug.measure, mcg_drug.billing_unit) == (MCG, Amount(Decimal(1), MCG))
    assert [p.strength_mg for p in mcg_drug.presentations] == [Decimal(300), Decimal(480)]
    assert mcg_drug.presentations[1].label == "480 mcg / 0.8 mL single-dose vial"
    assert (units_drug.measure, units_drug.billing_unit_mg) == (UNITS, Decimal(1000))
    assert [str(p.strength) for p in units_drug.presentations] == ["10000 units", "2000 units"]


def test_the_shipped_catalog_is_in_mg(catalog: Catalog) -> None:
    assert {d.measure for d in catalog.drugs} == {MG}
    assert {p.measure for d in catalog.drugs for p in d.presentations} == {MG}


DRUG = """
[[drug]]
id = "site-drug"
name = "Site drug"
hcpcs = "J9999"
descriptor = "Site drug"
verified = false
source = "site pharmacy"
{drug}
[[drug.presentation]]
ndc = "99999-0001-01"
volume_ml = "10"
container = "single-dose"
{presentation}
"""


def _load(tmp_path: Path, drug: str, presentation: str) -> Drug:
    path = tmp_path / "site.toml"
    path.write_text(DRUG.format(drug=drug, presentation=presentation), encoding="utf-8")
    return load_catalog([path]).find("site-drug")


def test_old_keys_are_mg_and_a_gram_code_is_measured_in_mg(tmp_path: Path) -> None:
    old = _load(tmp_path, 'billing_unit_mg = "5"', 'strength_mg = "100"')
    assert (old.measure, old.billing_unit_mg, old.presentations[0].strength_mg) == (
        MG, Decimal(5), Decimal(100)
    )  # fmt: skip
    per_gram = _load(tmp_path, 'billing_unit = "1 g"', 'strength = "2 g"')
    assert (per_gram.measure, per_gram.billing_unit_mg) == (MG, Decimal(1000))
    assert per_gram.presentations[0].strength_mg == Decimal(2000)
    mixed = _load(tmp_path, 'billing_unit = "1 mcg"', "strength_mg = 1")  # old key: mg
    assert mixed.presentations[0].strength_mg == Decimal(1000)


@pytest.mark.parametrize(
    ("drug", "presentation", "key", "words"),
    [
        ('billing_unit = "10 mg"', 'strength = "10000 units"', "presentation.strength",
         "10000 units can't be a strength of a drug billed in mg"),
        ('billing_unit = "1000 units"', 'strength = "100 mg"', "presentation.strength",
         "100 mg can't be a strength of a drug billed in units"),
        ('billing_unit = "1000 units"', "strength_mg = 100", "presentation.strength_mg",
         "can't be a strength of a drug billed in units"),
        ('billing_unit = "10"', 'strength = "100 mg"', "billing_unit", "needs its unit"),
        ("billing_unit = 10", 'strength = "100 mg"', "billing_unit", "not a text like"),
        ('billing_unit = "10 mgs"', 'strength = "100 mg"', "billing_unit", "unknown unit"),
        ('billing_unit = "0 mg"', 'strength = "100 mg"', "billing_unit", "above 0"),
        ('billing_unit = "10 mg"\nbilling_unit_mg = 10', 'strength = "100 mg"',
         "billing_unit_mg", "not both"),
        ('billing_unit = "10 mg"', 'strength = "100"', "presentation.strength", "needs its unit"),
        ('billing_unit = "10 mg"', 'strength = "100 mg"\nstrength_mg = 100',
         "presentation.strength_mg", "not both"),
        ('billing_unit = "10 mg"', "", "presentation.strength", "missing"),
        ('billing_unit = "1 mg"', 'strength = "0.0000001 g"', "presentation.strength",
         "more than 6 decimal places (got '0.0000001')"),
        ('billing_unit = "1 mg"', 'strength = "0.000001 mcg"', "presentation.strength",
         "more than 6 decimal places (got '0.000001 mcg')"),
    ],
)  # fmt: skip
def test_a_bad_measure_names_file_drug_and_key(
    tmp_path: Path, drug: str, presentation: str, key: str, words: str
) -> None:
    with pytest.raises(CatalogError) as caught:
        _load(tmp_path, drug, presentation)
    message = str(caught.value)
    assert "site.toml, drug 'site-drug'" in message
    assert f"key {key!r}" in message
    assert words in message


# The engine and its outputs ----------------------------------------------------------
def test_a_mcg_drug_bills_per_mcg(mcg_drug: Drug) -> None:
    result = compute(DoseOrder(mcg_drug, DAY, dose_mg=amount_in("0.35 mg", MCG, "The dose")))
    assert result.ordered_mg == Decimal(350)
    assert result.plan.describe() == "1 x 480 mcg"
    assert (result.admin_units, result.jw_units) == (350, 130)
    assert result.steps[2] == "Administered units: 350 mcg / 1 mcg = 350, rounded up to 350."
    assert "(480 mcg single-dose labeled - 350 x 1 mcg already billed) / 1 mcg" in result.steps[3]
    text = as_text(result, "")
    assert "Ordered           350 mcg  (350 mcg flat dose)" in text
    assert "Discarded         130 mcg" in text


def test_a_units_drug_bills_per_1000_units(units_drug: Drug) -> None:
    result = compute(DoseOrder(units_drug, DAY, dose_per_kg_mg=Decimal(150),
                               weight_kg=Decimal(70)))  # fmt: skip
    assert result.dose_basis == "150 units/kg x 70 kg = 10500 units"
    assert result.plan.describe() == "1 x 10000 units + 1 x 2000 units"
    assert (result.admin_units, result.jw_units) == (11, 1)
    assert [(line.modifiers, line.units) for line in result.lines] == [((), 11), (("JW",), 1)]
    assert result.warnings == ()


def test_engine_messages_name_the_drugs_unit(units_drug: Drug, mcg_drug: Drug) -> None:
    with pytest.raises(InputError, match=r"The dose \(units\) must be more than 0"):
        compute(DoseOrder(units_drug, DAY, dose_mg=Decimal(0)))
    with pytest.raises(InputError, match="A dose in units/kg needs the patient's weight"):
        compute(DoseOrder(units_drug, DAY, dose_per_kg_mg=Decimal(150)))
    vials = (parse_vial("300", mcg_drug),)
    with pytest.raises(InputError, match="hold 300 mcg, less than the 480 mcg administered"):
        compute(DoseOrder(mcg_drug, DAY, dose_mg=Decimal(480), vials=vials))
    wasteful = compute(
        DoseOrder(mcg_drug, DAY, dose_mg=Decimal(300), vials=(parse_vial("480mcg", mcg_drug),))
    )
    assert [w.text for w in wasteful.warnings] == [
        "These vials hold 480 mcg; the least-waste plan for 300 mcg is 1 x 300 mcg "
        "(300 mcg). Payers may deny the extra 180 mcg of waste."
    ]
    suggestion = suggest_rounding(mcg_drug, Decimal(470), Decimal(5))
    assert suggestion is not None
    assert "470 mcg rounds up to 480 mcg" in suggestion.describe()


def test_vial_specs_take_the_drugs_unit_or_their_own(mcg_drug: Drug, units_drug: Drug) -> None:
    syringe = mcg_drug.presentations[1]
    for spec in ("480", "480mcg", "480 mcg", "0.48mg", "0.48 mg x1", "480MCGx1"):
        assert parse_vial(spec, mcg_drug) == (syringe, 1), spec
    assert parse_vial("10000 unitsx2", units_drug) == (units_drug.presentations[0], 2)
    assert parse_vial("99999-0480-01x3", mcg_drug) == (syringe, 3)
    with pytest.raises(InputError, match="has no 400 mcg vial; its vials are 300 mcg, 480 mcg"):
        parse_vial("0.4 mg", mcg_drug)
    with pytest.raises(InputError, match="is in mg, but this drug is measured in units"):
        parse_vial("100mg", units_drug)


def test_the_note_says_the_drugs_unit(mcg_drug: Drug, units_drug: Drug) -> None:
    result = compute(DoseOrder(mcg_drug, DAY, dose_mg=Decimal(350)))
    note = render_note(result, load_template())
    assert "(billing unit 1 mcg)" in note
    assert "Administered: 350 mcg (0.583 mL)" in note
    assert "Discarded: 130 mcg (0.217 mL)" in note  # as the claim's ML0.217
    assert "Vials opened (labeled total 480 mcg):" in note
    assert "administered 350 mcg (0.583 mL), discarded 130 mcg (0.217 mL)" in note
    # A site template of the mg days still tells the truth: in mg, converted exactly.
    old = Template("$administered_mg mg of $labeled_mg mg, unit $billing_unit mg; $unit")
    assert render_note(result, old) == "0.35 mg of 0.48 mg, unit 0.001 mg; mcg\n"
    units = compute(DoseOrder(units_drug, DAY, dose_mg=Decimal(10500)))
    assert "Administered: 10500 units (1.25 mL)" in render_note(units, load_template())
    with pytest.raises(TemplateError, match=r"uses \$administered_mg, an amount in mg, but "
                       r"Fixture units drug is measured in units; use \$administered"):  # fmt: skip
        render_note(units, old)


def test_json_keeps_mg_keys_for_mass_and_gives_every_amount_its_unit(
    mcg_drug: Drug, units_drug: Drug, catalog: Catalog
) -> None:
    mg = as_dict(compute(DoseOrder(catalog.find("J9022"), DAY, dose_mg=Decimal(1050))), "")
    assert (mg["administered_mg"], mg["administered"]) == ("1050", {"amount": "1050", "unit": "mg"})
    assert mg["drug"]["billing_unit_mg"] == "10"
    mcg = as_dict(compute(DoseOrder(mcg_drug, DAY, dose_mg=Decimal(350))), "")
    assert mcg["drug"]["measure"] == "mcg"
    assert mcg["drug"]["billing_unit"] == {"amount": "1", "unit": "mcg"}
    assert (mcg["discarded"], mcg["discarded_mg"]) == ({"amount": "130", "unit": "mcg"}, "0.13")
    [vial] = mcg["vials"]
    assert (vial["strength"], vial["strength_mg"]) == ({"amount": "480", "unit": "mcg"}, "0.48")
    units = as_dict(compute(DoseOrder(units_drug, DAY, dose_mg=Decimal(10500))), "")
    assert units["administered"] == {"amount": "10500", "unit": "units"}
    assert not [key for key in _keys(units) if key.endswith("_mg")]


def _keys(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [*data, *(k for v in data.values() for k in _keys(v))]
    if isinstance(data, list):
        return [k for v in data for k in _keys(v)]
    return []


def test_calc_reads_amounts_with_units(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["calc", "--catalog", str(MEASURES), "--drug", "J9998", "--dose", "0.35mg",
            "--vial", "480mcg", "--date", "2026-11-28", "--json",
            "--round-within", "5"]  # fmt: skip
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ordered"] == {"amount": "350", "unit": "mcg"}
    lines = [(line["modifiers"], line["units"]) for line in out["lines"]]
    assert lines == [([], 350), (["JW"], 130)]
    assert out["rounding_suggestion"] is None
    args = ["calc", "--catalog", str(MEASURES), "--drug", "fixture-units", "--dose", "12 mg"]
    assert main(args) == 2
    assert "The dose (--dose, units) is in mg, but this drug is measured in units" in (
        capsys.readouterr().err
    )


# The claim audit ------------------------------------------------------------------------
def _audit(measured: Catalog, text: str) -> list[dict[str, str]]:
    out = io.StringIO()
    reader, writer = open_report(io.StringIO(text), out)
    audit_rows(reader, writer, Auditor(measured, PayerList(())))
    return list(csv.DictReader(io.StringIO(out.getvalue())))


NEW = "date_of_service,drug,administered,vials,billed_units,billed_modifier,billed_jw_units"


def test_the_audit_reads_amounts_in_the_drugs_measure(measured: Catalog) -> None:
    report = _audit(measured, f"{NEW},ordered\n"
                    "2026-11-28,fixture-mcg,350,480x1,350,,130,\n"
                    "2026-11-28,fixture-mcg,0.35 mg,0.48mg,350,,130,\n"
                    "2026-11-28,fixture-units,10500,10000x1;2000x1,11,,1,\n"
                    "2026-11-28,fixture-units,10500,10000x1;2000x1,11,,1,12000\n"
                    "2026-11-28,atezolizumab,1050,1200x1,105,,15,\n"
                    "2026-11-28,fixture-mcg,300,480x1,300,,180,\n"
                    "2026-11-28,fixture-units,5 mg,10000x1,5,,5,\n"
                    "2026-11-28,fixture-mcg,480,300x1,480,JZ,0,\n")  # fmt: skip
    assert [(r["status"], r["reason"]) for r in report] == [
        ("ok", ""),
        ("ok", ""),
        ("ok", ""),
        ("ok", ""),
        ("ok", ""),
        ("mismatch", "180 JW units are waste beyond the least-waste vials for 300 mcg "
         "(300 mcg labeled single-dose); payers may deny them (if more was ordered than "
         "given, add ordered)"),
        ("error", "administered is in mg, but this drug is measured in units (got 5 mg)"),
        ("error", "the opened vials hold 300 mcg, less than the 480 mcg administered"),
    ]  # fmt: skip
    assert [r["expected_units"] for r in report[:5]] == ["350", "350", "11", "11", "105"]


def test_the_audit_still_reads_the_mg_columns_as_mg(measured: Catalog) -> None:
    old = NEW.replace("administered", "administered_mg")
    report = _audit(measured, f"{old},ordered_mg\n"
                    "2026-11-28,fixture-mcg,0.35,480x1,350,,130,\n"
                    "2026-11-28,fixture-mcg,0.3,480x1,300,,180,0.3\n"
                    "2026-11-28,fixture-units,10500,10000x1;2000x1,11,,1,\n"
                    "2026-11-28,atezolizumab,1050,1200x1,105,,15,\n")  # fmt: skip
    assert [(r["status"], r["reason"]) for r in report] == [
        ("ok", ""),
        ("mismatch", "180 JW units are waste beyond the least-waste vials for 300 mcg ordered "
         "(300 mcg labeled single-dose); payers may deny them"),
        ("error", "administered_mg is in mg, but this drug is measured in units; give the "
         "amount given in a column administered instead"),
        ("ok", ""),
    ]  # fmt: skip
    assert report[0]["expected_jw_units"] == "130"
    # A file with both: the drug's measure wins, the mg column is only repeated.
    both = _audit(measured, f"{NEW},administered_mg\n2026-11-28,fixture-mcg,350,480x1,350,,130,9\n")
    assert both[0]["status"] == "ok"
