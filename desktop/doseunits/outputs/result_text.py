"""A result as plain data (for --json and the packaged self-test) and as aligned text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doseunits.catalog.pricing import cents
from doseunits.outputs.note import ml
from doseunits.quantities import MG, Amount, fmt

if TYPE_CHECKING:
    from decimal import Decimal

    from doseunits.catalog.model import Drug
    from doseunits.engine.billing import BillingResult, ClaimLine
    from doseunits.outputs.allowed import Allowed


class _Amounts:
    """One drug's amounts as JSON: ``{"amount": "480", "unit": "mcg"}`` for every drug, and
    beside it the older ``*_mg`` key (in mg, a mcg drug's converted exactly) for a drug
    measured by mass; a drug in units has no mg to give."""

    def __init__(self, drug: Drug) -> None:
        self.unit = drug.measure.symbol
        self.measure = drug.measure
        self.mass = drug.measure.kind == "mass"

    def keys(self, name: str, value: Decimal, mg_name: str = "") -> dict[str, Any]:
        text = fmt(value)
        keys: dict[str, Any] = {name: {"amount": text, "unit": self.unit}}
        if self.mass:
            mg = text if self.measure == MG else fmt(Amount(value, self.measure).to(MG))
            keys[mg_name or f"{name}_mg"] = mg
        return keys


def as_dict(result: BillingResult, snippet: str, allowed: Allowed | None = None) -> dict[str, Any]:
    """Amounts are strings so that JSON keeps them exact; units are integers. With
    ``allowed``, each line's ``allowed_usd`` (cents, or null when withheld), the totals and
    ``pricing`` (the limit, its quarter and file, or why there is none)."""
    drug = result.drug
    amounts = _Amounts(drug)
    output = {
        "drug": {
            "id": drug.id,
            "name": drug.name,
            "hcpcs": drug.hcpcs,
            "descriptor": drug.descriptor,
            "measure": drug.measure.symbol,
            **amounts.keys("billing_unit", drug.billing_unit_mg),
            "verified": drug.verified,
        },
        "date_of_service": result.order.date_of_service.isoformat(),
        "dose_basis": result.dose_basis,
        **amounts.keys("ordered", result.ordered_mg),
        **amounts.keys("administered", result.administered_mg),
        **amounts.keys("discarded", result.discarded_mg),
        **amounts.keys("labeled", result.labeled_mg),
        **amounts.keys("kept_in_multi_dose", result.kept_mg),
        "draw_ml": _ml(result.draw_ml),
        "administered_ml": _ml(result.administered_ml),
        "discarded_ml": _ml(result.discarded_ml),
        "administered_units": result.admin_units,
        "jw_units": result.jw_billed_units,  # on the JW line
        "discarded_units": result.jw_units,  # rule 2, whether or not the payer pays for them
        "discarded_pending_label": _pending(result, amounts),
        "vials_from": "least-waste plan" if result.plan_proposed else "as opened",
        "vials": [
            {
                "ndc": str(use.presentation.ndc),
                **amounts.keys("strength", use.presentation.strength_mg),
                "volume_ml": _volume(use.presentation.volume_ml),
                "container": use.presentation.container,
                "count": use.count,
                "verified": use.presentation.verified,
                **amounts.keys("administered", use.administered_mg),
                **amounts.keys("left", use.left_mg),
            }
            for use in result.uses
        ],
        "least_waste_plan": [
            {
                "ndc": str(v.presentation.ndc),
                **amounts.keys("strength", v.presentation.strength_mg),
                "count": v.count,
            }
            for v in result.least_waste.vials
        ],
        "lines": [_line(line) for line in result.lines],
        "warnings": [w.text for w in result.warnings],
        "steps": list(result.steps),
        "snippet": snippet,
    }
    if allowed is not None:
        for line, dollars in zip(output["lines"], allowed.lines, strict=True):
            line["allowed_usd"] = None if dollars is None else cents(dollars)
        output.update(allowed.as_json())
    return output


def _pending(result: BillingResult, amounts: _Amounts) -> dict[str, Any] | None:
    """What an unconfirmed container leaves undecided (docs/billing-rules.md §3.6a): null
    when every opened container is confirmed. ``left`` is in those vials after the dose:
    discarded if their label says single-dose, kept if multi-dose; ``if_single_dose`` is
    what the claim then adds."""
    if not result.unconfirmed:
        return None
    return {
        "ndcs": [str(p.ndc) for p in result.unconfirmed],
        **amounts.keys("left", result.pending_mg),
        "left_ml": _ml(result.pending_ml),
        "if_single_dose": {
            "discarded_units": result.pending_discarded_units,
            "jw_units": result.pending_jw_units,
            "jz": result.pending_jz,
        },
        "if_multi_dose": "neither JW nor JZ; what is left is kept",
        "explanation": result.pending_text(),
    }


def _line(line: ClaimLine) -> dict[str, Any]:
    """``ndc``/``ndc_quantity``/``n4`` name the line's first NDC; ``ndcs`` lists them all."""
    first = line.ndcs[0] if line.ndcs else None
    return {
        "kind": line.kind,
        "hcpcs": line.hcpcs,
        "modifiers": list(line.modifiers),
        "units": line.units,
        "ndc": str(first.ndc) if first else None,
        "ndc_quantity": first.quantity_text if first else None,
        "ndc_unit": first.unit if first else None,
        "n4": first.n4 if first else None,
        "ndcs": [
            {
                "ndc": str(q.ndc),
                "ndc_11": q.ndc.eleven,
                "quantity": q.quantity_text,
                "unit": q.unit,
                "n4": q.n4,
            }
            for q in line.ndcs
        ],
    }


def line_rows(result: BillingResult) -> list[tuple[str, str, str, str, str, str]]:
    """The claim lines as a table: a row per NDC, the HCPCS, modifiers and units on the
    first row of each line (the command line's text and the window's table).
    """
    rows = []
    for line in result.lines:
        head = (line.hcpcs, " ".join(line.modifiers), str(line.units))
        if not line.ndcs:  # never dropped from the table, even without an NDC quantity
            rows.append((*head, "", "", ""))
        for index, quantity in enumerate(line.ndcs):
            rows.append((
                *(head if index == 0 else ("", "", "")),
                str(quantity.ndc),
                f"{quantity.quantity_text} {quantity.unit}",
                quantity.n4,
            ))  # fmt: skip
    return rows


def discarded_amount_text(result: BillingResult) -> str:
    """The discarded amount: "150 mg"; with an unconfirmed container what its vials leave,
    pending the label ("150 mg pending the label", never a bare 0: §3.6a)."""
    if not result.unconfirmed:
        return result.drug.amount(result.discarded_mg)
    pending = f"{result.drug.amount(result.pending_mg)} pending the label"
    if result.discarded_mg:
        return f"{result.drug.amount(result.discarded_mg)} + {pending}"
    return pending


def discarded_ml_text(result: BillingResult) -> str:
    """The discarded mL, with an unconfirmed container's share (pending) in it."""
    if not result.unconfirmed:
        return ml(result.discarded_ml)
    if result.discarded_mg:
        return f"{ml(result.discarded_ml)} + {ml(result.pending_ml)}"
    return ml(result.pending_ml)


def discarded_units_text(result: BillingResult) -> str:
    """The discarded units as billed: "15 units (JW)", "0 billable (JZ)", or not billable;
    with an unconfirmed container, pending the label ("pending the label: 15 units (JW)
    if single-dose")."""
    if result.unconfirmed:
        if result.pending_jw_units:
            return f"pending the label: {result.pending_jw_units} units (JW) if single-dose"
        if result.pending_discarded_units:
            return (
                f"pending the label: {result.pending_discarded_units} units if single-dose, "
                f"not billable for {result.order.payer.name}"
            )
        return "pending the label: JZ if single-dose" if result.pending_jz else "pending the label"
    if result.jw_billed_units:
        return f"{result.jw_billed_units} units (JW)"
    if result.jw_units:
        return f"{result.jw_units} units, not billable for {result.order.payer.name}"
    return "0 billable (JZ)" if result.jz else "0 billable"


def as_text(result: BillingResult, snippet: str, allowed: Allowed | None = None) -> str:
    drug = result.drug
    unverified = "" if drug.verified else "  [code unverified]"
    jw = discarded_units_text(result)
    amount = drug.amount
    rows = [
        f"{drug.name}  {drug.hcpcs}  {drug.descriptor}{unverified}",
        "",
        _pair("Date of service", result.order.date_of_service.isoformat()),
        _pair("Ordered", f"{amount(result.ordered_mg)}  ({result.dose_basis})"),
        _pair(
            "Vials",
            f"{result.plan.describe()} = {amount(result.labeled_mg)} labeled"
            + ("  [least-waste plan]" if result.plan_proposed else ""),
        ),
        _pair("Draw", f"{ml(result.draw_ml)} mL"),
        _pair(
            "Administered",
            f"{amount(result.administered_mg)}  {ml(result.administered_ml)} mL"
            f"  {result.admin_units} units",
        ),
        _pair(
            "Discarded",
            f"{discarded_amount_text(result)}  {discarded_ml_text(result)} mL  {jw}",
        ),
    ]
    if result.unconfirmed:
        rows.append(_pair("Label decides", result.pending_text()))
    if result.kept_mg:
        rows.append(_pair("Kept (multi-dose)", amount(result.kept_mg)))
    if allowed is not None:
        rows += allowed_rows(result, allowed)
    table = [("HCPCS", "Mod", "Units", "NDC", "NDC qty", "N4"), *line_rows(result)]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    rows += ["", "Claim lines"]
    rows += [
        "  "
        + "  ".join(
            c.rjust(w) if i == 2 else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in table
    ]
    if result.warnings:
        rows += ["", "Warnings"] + [f"  ! {w.text}" for w in result.warnings]
    rows += ["", "How it was worked out"] + [f"  {step}" for step in result.steps]
    rows += ["", "Note for the chart", "", snippet.rstrip()]
    return "\n".join(rows) + "\n"


def allowed_rows(result: BillingResult, allowed: Allowed) -> list[str]:
    """The dollars: "Allowed  $9,590.70 administered, $1,370.10 JW" and where the price
    comes from, or that it is withheld and why."""
    if not allowed.priced:
        return [_pair("Allowed", f"withheld: {allowed.reason}")]
    text = f"{allowed.text(allowed.administered)} administered"
    if result.unconfirmed:
        text += f"; discarded {allowed.discarded_text()}"
    elif result.jw_billed_units:
        text += f", {allowed.text(allowed.jw)} JW"
    elif result.jw_units:
        text += f"; discarded worth {allowed.text(allowed.discarded)}, not billed"
    return [_pair("Allowed", text), _pair("Priced at", allowed.reason)]


def _pair(label: str, value: str) -> str:
    return f"{label:<18}{value}"


def _ml(volume: Decimal | None) -> str | None:
    """A total volume for JSON; null where a vial's volume is not confirmed."""
    return None if volume is None else ml(volume)


def _volume(volume: Decimal | None) -> str | None:
    """A vial's volume for JSON; null where it is not confirmed."""
    return None if volume is None else fmt(volume)
