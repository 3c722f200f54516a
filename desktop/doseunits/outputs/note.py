"""The chart note: a plain-text template a site can replace, filled from a result."""

from __future__ import annotations

import re
from decimal import Decimal
from string import Template
from typing import TYPE_CHECKING

from doseunits import __version__
from doseunits.errors import TemplateError
from doseunits.quantities import MG, Amount, Unit, fmt, fmt_places

if TYPE_CHECKING:  # the window loads the template at start, the engine after its first frame
    from doseunits.catalog.model import Drug
    from doseunits.engine.billing import BillingResult, ClaimLine
    from doseunits.engine.order import NoteDetails
    from doseunits.outputs.allowed import Allowed


def render_note(result: BillingResult, template: Template, allowed: Allowed | None = None) -> str:
    """Fill the template; an unknown ``$name`` in a site template is a clear error.
    ``allowed`` fills the dollar placeholders (``PRICE_PLACEHOLDERS``)."""
    values = note_fields(result)
    values.update(price_fields(allowed))
    try:
        text = template.substitute(values)
    except KeyError as error:
        name = error.args[0]
        if name in MG_PLACEHOLDERS and result.drug.measure.kind != "mass":
            raise TemplateError(
                f"The note template uses ${name}, an amount in mg, but {result.drug.name} is "
                f"measured in {result.drug.measure}; use ${MG_PLACEHOLDERS[name]} (the "
                "amount with its unit)."
            ) from None
        known = ", ".join(f"${name}" for name in sorted(values))
        raise TemplateError(
            f"The note template uses ${error.args[0]}, which DoseUnits doesn't fill; use {known}."
        ) from None
    except ValueError as error:
        raise TemplateError(f"The note template has a bad placeholder: {error}.") from None
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


#: The placeholders of templates written when every drug was billed by the mg, with the
#: neutral one to use instead. They stay: for a drug measured by mass they are its amounts
#: in mg (a drug billed per mcg too, converted exactly); a drug in units has none.
MG_PLACEHOLDERS = {
    "billing_unit": "billing_unit_amount",
    "ordered_mg": "ordered",
    "administered_mg": "administered",
    "discarded_mg": "discarded",
    "labeled_mg": "labeled",
}


def note_fields(result: BillingResult) -> dict[str, str]:
    drug = result.drug
    measure = drug.measure
    u = measure.symbol
    # Written out, not looped: the note is rendered on every keystroke.
    billing_unit = fmt(drug.billing_unit_mg)
    ordered = fmt(result.ordered_mg)
    administered = fmt(result.administered_mg)
    discarded = fmt(result.discarded_mg)
    labeled = fmt(result.labeled_mg)
    values = {  # in the drug's own measure: "1050 mg", "480 mcg", "10000 units"
        "billing_unit_amount": f"{billing_unit} {u}",
        "ordered": f"{ordered} {u}",
        "administered": f"{administered} {u}",
        "discarded": f"{discarded} {u}",
        "labeled": f"{labeled} {u}",
    }
    discarded_ml = ml(result.discarded_ml)
    discarded_from = " from single-dose vials"
    if result.unconfirmed:  # never "0 discarded": what is left waits for the label (§3.6a)
        pending = f"{fmt(result.pending_mg)} {u} pending the label"
        values["discarded"] = f"{discarded} {u} + {pending}" if result.discarded_mg else pending
        if result.discarded_mg:
            discarded_ml = f"{discarded_ml} + {ml(result.pending_ml)}"
        else:
            discarded_ml = ml(result.pending_ml)
        discarded_from = (
            ", left in vials whose container is not confirmed: discarded if the label says "
            "single-dose, kept if multi-dose"
        )
    if measure is MG:
        values["billing_unit"] = billing_unit
        values["ordered_mg"] = ordered
        values["administered_mg"] = administered
        values["discarded_mg"] = discarded
        values["labeled_mg"] = labeled
    elif measure.kind == "mass":
        values["billing_unit"] = _in_mg(drug.billing_unit_mg, measure)
        values["ordered_mg"] = _in_mg(result.ordered_mg, measure)
        values["administered_mg"] = _in_mg(result.administered_mg, measure)
        values["discarded_mg"] = _in_mg(result.discarded_mg, measure)
        values["labeled_mg"] = _in_mg(result.labeled_mg, measure)
    if result.unconfirmed and measure.kind == "mass":  # an older template's bare number
        in_mg = fmt(result.pending_mg) if measure is MG else _in_mg(result.pending_mg, measure)
        values["discarded_mg"] += f" + {in_mg} pending the label"
    return {
        "drug": drug.name,
        "hcpcs": drug.hcpcs,
        "descriptor": drug.descriptor + ("" if drug.verified else " (unverified)"),
        "unit": u,
        "date_of_service": result.order.date_of_service.isoformat(),
        "payer": result.order.payer.name
        + (" (340B-acquired)" if result.order.acquired_340b else ""),
        "dose_basis": _ordered_dose(result),
        **values,
        "administered_ml": ml(result.administered_ml),
        "discarded_ml": discarded_ml,
        "discarded_from": discarded_from,
        "vials": "\n".join(_vial_lines(result, u)),
        "lines": "\n".join(
            [f"- {line_text(line, not result.order.payer.line_per_ndc)}" for line in result.lines]
            + ([SECOND_NDC] if any(len(line.ndcs) > 1 for line in result.lines) else [])
        ),
        "warnings": _warnings_block(result),
        "details": "\n".join(_detail_lines(result.order.details)),
        "version": __version__,
        # The billed drug's own entry: the facts this note used, not the newest of others.
        "catalog_date": drug.reviewed.isoformat() if drug.reviewed else "(unknown)",
        "catalog_source": _catalog_source(drug),
    }


def _catalog_source(drug: Drug) -> str:
    """Where the billed drug's facts come from: its hand-checked entry's review date, or
    the CMS file (and quarter) it was imported from, which no one reviewed by hand."""
    if drug.imported:
        return f"{drug.source} (imported, not hand-reviewed)"
    return f"catalog reviewed {drug.reviewed.isoformat() if drug.reviewed else '(unknown)'}"


#: The dollars a site may put in its note (not in the shipped one): docs/billing-rules.md §8.
PRICE_PLACEHOLDERS = (
    "administered_usd", "jw_usd", "discarded_usd", "payment_limit", "pricing",
)  # fmt: skip


def price_fields(allowed: Allowed | None) -> dict[str, str]:
    """``$administered_usd`` ($9,590.70), ``$jw_usd``, ``$discarded_usd``, ``$payment_limit``
    ($91.340 per unit) and ``$pricing`` (the limit's quarter and file); each says
    "withheld" and why when there is no price for the date of service."""
    if allowed is None:
        why = "withheld (payment limits not loaded)"
        return dict.fromkeys(PRICE_PLACEHOLDERS, why)
    if not allowed.priced:
        why = f"withheld ({allowed.reason})"
        return {
            **dict.fromkeys(PRICE_PLACEHOLDERS, why),
            "pricing": f"Not priced: {allowed.reason}",
        }
    return {
        "administered_usd": allowed.text(allowed.administered),
        "jw_usd": allowed.text(allowed.jw),
        "discarded_usd": allowed.discarded_text(),
        "payment_limit": allowed.limit_text(),
        "pricing": allowed.reason,
    }


def _in_mg(value: Decimal, measure: Unit) -> str:
    return fmt(Amount(value, measure).to(MG))


def ml(volume: Decimal | None) -> str:
    """Volumes in the note, the window and the command line: to 0.001 mL, as the claim's
    NDC quantity (``N450242091701 ML16.667``), so every mL shown agrees with the claim;
    "unknown" where a vial's volume is not confirmed."""
    return "unknown" if volume is None else fmt_places(volume, 3)


#: Said under the lines when a line lists a second NDC (docs/billing-rules.md §4).
SECOND_NDC = (
    "A line with two NDCs is one claim line: on a Medicare claim the second NDC goes in "
    'item 19 / the 837P NTE segment, never on a line of its own (Palmetto GBA, "Reporting '
    'the NDC").'
)


#: How the note names an NDC quantity's unit (the N4 string keeps the qualifier).
NDC_UNITS = {"ML": "mL", "UN": "UN (vials)"}


def line_text(line: ClaimLine, second_ndc_elsewhere: bool = False) -> str:
    """``J9022-JW x 15 units; NDC 50242-0917-01 2.5 mL (N450242091701 ML2.5)``.

    ``second_ndc_elsewhere``: a line that keeps one drug from two NDCs together (Medicare,
    docs/billing-rules.md §4) names where the NDCs after the first go.
    """
    code = "-".join((line.hcpcs, *line.modifiers))
    ndcs = [
        f"NDC {q.ndc} {q.quantity_text} {NDC_UNITS.get(q.unit, q.unit)} ({q.n4})" for q in line.ndcs
    ]
    text = f"{code} x {line.units} units"
    if ndcs and second_ndc_elsewhere and len(ndcs) > 1:
        return f"{text}; {ndcs[0]}; in item 19 or the 837P NTE segment: {'; '.join(ndcs[1:])}"
    return text + "".join(f"; {ndc}" for ndc in ndcs)


def _vial_lines(result: BillingResult, u: str) -> list[str]:
    details = result.order.details.vials
    lines = []
    for use in result.uses:
        p = use.presentation
        known = details.get(p.ndc)
        extra = ""
        if known and known.lot:
            extra += f", lot {known.lot}"
        if known and known.expiry:
            extra += f", exp {known.expiry.isoformat()}"
        left = "discarded" if p.single_dose else "kept in the multi-dose vial"
        unverified = "" if p.verified else " (NDC unverified)"
        rest = f"{left} {fmt(use.left_mg)} {u} ({ml(use.left_ml)} mL)"
        if not p.container_confirmed:  # docs/billing-rules.md §3.6a: the label decides
            rest = (
                f"{fmt(use.left_mg)} {u} ({ml(use.left_ml)} mL) left, pending the label: "
                "discarded if single-dose, kept if multi-dose"
            )
        lines.append(
            f"- {use.count} x {p.label}, NDC {p.ndc}{unverified}{extra}: administered "
            f"{fmt(use.administered_mg)} {u} ({ml(use.administered_ml)} mL), {rest}"
        )
    return lines


def _warnings_block(result: BillingResult) -> str:
    if not result.warnings:
        return "Warnings: none."
    return "Warnings:\n" + "\n".join(f"- {w.text}" for w in result.warnings)


#: How the note starts a line: the history finds them by these (gui/order_history.py,
#: core/history.py), so the words live here once.
ROUNDED_FROM = "Dose rounded from"
PRIOR_AUTH_LABEL = "Prior authorization"


def _ordered_dose(result: BillingResult) -> str:
    """The order as the prescriber wrote it; after an accepted rounding, that order and,
    on the next line, the rounding (the dose the lines bill is the rounded one)."""
    order = result.order
    if order.rounded_from_mg is None:
        return result.dose_basis
    written = order.rounded_from_basis or f"{result.drug.amount(order.rounded_from_mg)} flat dose"
    return "\n".join([f"{written} (as written)", *_rounding_lines(result)])


def _rounding_lines(result: BillingResult) -> list[str]:
    order = result.order
    if order.rounded_from_mg is None:
        return []
    within = f" (within {fmt(order.rounding_percent)}%)" if order.rounding_percent else ""
    basis = f" (ordered as {order.rounded_from_basis})" if order.rounded_from_basis else ""
    amount = result.drug.amount
    return [
        f"{ROUNDED_FROM} {amount(order.rounded_from_mg)}{basis} to {amount(result.ordered_mg)} "
        f"per site policy{within}; prescriber approval is required by policy."
    ]


def _detail_lines(details: NoteDetails) -> list[str]:
    labeled = [
        ("Patient", details.patient),
        ("Diagnosis code(s)", details.diagnosis_codes),
        (PRIOR_AUTH_LABEL, details.prior_authorization),
        ("Biomarker result on file", details.biomarker_on_file),
        ("Reason for waste", details.waste_reason),
        ("Prepared by", details.preparer),
        ("Waste witnessed by", details.witness),
        ("Site", details.site),
    ]
    return [f"{label}: {value.strip()}" for label, value in labeled if value.strip()]
