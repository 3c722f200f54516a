"""GS1 element strings for our NDCs, as a vial's barcode carries them (scan and window tests)."""

from __future__ import annotations

from biip.checksums import gs1_standard_check_digit

GS = "\x1d"


def gtin_for(ndc10: str, indicator: str = "0") -> str:
    """GTIN-14 of a US drug: indicator, 0, the UPC-A 3, the 10-digit NDC, check digit."""
    body = indicator + "03" + ndc10
    return body + str(gs1_standard_check_digit(body))


def scan_of(ndc10: str, expiry: str = "270630", lot: str = "B1234", serial: str = "") -> str:
    text = f"01{gtin_for(ndc10)}17{expiry}10{lot}"
    return text + (f"{GS}21{serial}" if serial else "")


ATEZOLIZUMAB_1200 = "5024291701"  # 50242-917-01, printed 5-3-2 on the carton
NIVOLUMAB_240 = "0003373413"  # 0003-3734-13, printed 4-4-2
TRODELVY = "5513513201"  # 55135-132-01
