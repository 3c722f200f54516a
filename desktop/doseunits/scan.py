"""Vial barcode scans: a GS1 element string (docs/billing-rules.md §6) to NDC, lot, expiry, serial.

``biip`` does the GS1 parsing. The GTIN-14 of a US drug is ``indicator + "03" +
NDC10 + check digit``; a 10-digit NDC's 4-4-2 / 5-3-2 / 5-4-1 split is only known from the
catalog, so the 11-digit NDC is the catalog entry whose 10-digit form matches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import biip

from doseunits.catalog.model import Catalog, Drug, Presentation
from doseunits.catalog.ndc import Ndc
from doseunits.errors import InputError

GROUP_SEPARATOR = "\x1d"


@dataclass(frozen=True)
class VialScan:
    gtin: str
    ndc10: str | None  # None when the GTIN is not an NDC-based one
    ndc: Ndc | None  # the catalog's 11-digit NDC, when it knows this product
    drug: Drug | None
    presentation: Presentation | None
    lot: str
    expiry: dt.date | None
    serial: str

    def expired_on(self, day: dt.date) -> bool:
        return self.expiry is not None and self.expiry < day

    def refusal(self, day: dt.date) -> str:
        """Why this vial can't be added to an order on ``day``; empty when it can."""
        if self.drug is None:
            what = f"NDC {self.ndc10}" if self.ndc10 else f"GTIN {self.gtin} (not an NDC)"
            return f"{what} is not in the catalog."
        if self.expired_on(day):
            return (
                f"This vial (NDC {self.ndc}, lot {self.lot or 'unknown'}) expired on "
                f"{self.expiry}, before the date of service {day}."
            )
        return ""


def ten_digit_forms(ndc: Ndc) -> set[str]:
    """The 10-digit NDCs that pad to this 11-digit one (one of its segments lost a zero)."""
    forms = set()
    if ndc.labeler.startswith("0"):
        forms.add(ndc.labeler[1:] + ndc.product + ndc.package)
    if ndc.product.startswith("0"):
        forms.add(ndc.labeler + ndc.product[1:] + ndc.package)
    if ndc.package.startswith("0"):
        forms.add(ndc.labeler + ndc.product + ndc.package[1:])
    return forms


def parse_scan(text: str, catalog: Catalog) -> VialScan:
    """Raise InputError (field "scan") with one sentence for anything that is not a vial scan."""
    raw = text.strip("\r\n")
    shown = raw.replace(GROUP_SEPARATOR, "<GS>")
    if not raw.strip():
        raise InputError("The scan is empty.", "scan")
    try:
        result = biip.parse(raw, config=biip.ParseConfig(separator_chars=[GROUP_SEPARATOR]))
    except biip.ParseError as error:
        raise InputError(f"The scan {shown!r} is not a GS1 barcode: {error}", "scan") from None
    except (IndexError, ValueError, KeyError):  # biip on some junk ("]" alone: IndexError)
        raise InputError(f"The scan {shown!r} is not a GS1 barcode.", "scan") from None
    message = result.gs1_message
    if message is None:
        reason = result.gs1_message_error or "no GS1 element string found"
        raise InputError(f"The scan {shown!r} is not a readable GS1 barcode ({reason}).", "scan")
    elements = message.element_strings
    gtin_element = elements.get(ai="01")
    if gtin_element is None:
        raise InputError(f"The scan {shown!r} has no GTIN (AI 01).", "scan")
    if gtin_element.gtin_error:
        raise InputError(
            f"The GTIN in the scan is not valid ({gtin_element.gtin_error}); scan again.", "scan"
        )
    gtin = gtin_element.value
    expiry_element = elements.get(ai="17")
    if expiry_element is not None and expiry_element.date is None:
        raise InputError(f"The expiry in the scan ({expiry_element.value}) is not a date.", "scan")
    lot = elements.get(ai="10")
    serial = elements.get(ai="21")
    # GTIN-14 = packaging indicator + "0" + the UPC-A "3" + NDC10 + check digit.
    ndc10 = gtin[3:13] if gtin[1:3] == "03" else None
    match = _lookup(catalog, ndc10) if ndc10 else None
    return VialScan(
        gtin=gtin,
        ndc10=ndc10,
        ndc=match[1].ndc if match else None,
        drug=match[0] if match else None,
        presentation=match[1] if match else None,
        lot=lot.value if lot else "",
        expiry=expiry_element.date if expiry_element else None,
        serial=serial.value if serial else "",
    )


def _lookup(catalog: Catalog, ndc10: str) -> tuple[Drug, Presentation] | None:
    found = [  # from each drug's listing: a large catalog's drugs are read only if they match
        (drug, presentation)
        for drug in catalog.drugs
        if any(ndc10 in ten_digit_forms(Ndc(n[:5], n[6:10], n[11:])) for n in drug.ndc_texts())
        for presentation in drug.presentations
        if ndc10 in ten_digit_forms(presentation.ndc)
    ]
    if len(found) > 1:
        names = ", ".join(str(p.ndc) for _, p in found)
        raise InputError(f"The scanned NDC {ndc10} matches several catalog NDCs ({names}).", "scan")
    return found[0] if found else None
