"""The Medicare Part B rules of docs/billing-rules.md §3, one small function each."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import NamedTuple

#: JZ modifier effective date (CMS JW/JZ FAQ); no JZ before it.
JZ_EFFECTIVE = dt.date(2023, 1, 1)
#: JZ required from this date (CMS JW/JZ FAQ); between the two it was optional.
JZ_REQUIRED = dt.date(2023, 7, 1)
#: JW modifier required from this date (Claims Processing Manual ch. 17 §40).
JW_REQUIRED = dt.date(2017, 1, 1)


def administered_units(administered_mg: Decimal, unit_mg: Decimal) -> int:
    """Rule 1: the administered amount in billing units, rounded up."""
    return math.ceil(administered_mg / unit_mg)


def discarded_units(single_dose_labeled_mg: Decimal, admin_units: int, unit_mg: Decimal) -> int:
    """Rule 2: what the administered line does not already count, rounded down."""
    return max(0, math.floor((single_dose_labeled_mg - admin_units * unit_mg) / unit_mg))


def jz_applies(date_of_service: dt.date, jw_units: int, single_dose_opened: bool) -> bool:
    """Rule 4 and 5: nothing billable discarded from a single-dose container, from 2023."""
    return single_dose_opened and jw_units == 0 and date_of_service >= JZ_EFFECTIVE


# docs/billing-rules.md §3.9: the Medicare Part B 340B modifier, by the covered entity's
# type and the date of service. JG and TB were created by the CY 2018 OPPS final rule
# (CMS-1678-FC) for hospitals paid under the OPPS; CMS's Part B inflation rebate guidance
# (December 2022, revised March 2023) made every 340B covered entity mark 340B-acquired
# drugs on Part B claims no later than 2024-01-01.
JG_TB_CREATED = dt.date(2018, 1, 1)
EVERY_ENTITY_340B = dt.date(2024, 1, 1)


class Entity340B(NamedTuple):
    label: str  # as a sentence names it: "a critical access hospital"
    modifier: str  # JG or TB
    since: dt.date  # the first date of service it must mark 340B drugs


#: The site's 340B covered entity type (site setting billing/entity_340b) -> its modifier.
ENTITIES_340B: dict[str, Entity340B] = {
    "dsh": Entity340B("a disproportionate share hospital", "JG", JG_TB_CREATED),
    "rural-referral-center": Entity340B("a rural referral centre", "JG", JG_TB_CREATED),
    "non-rural-sch": Entity340B("a sole community hospital that is not rural", "JG", JG_TB_CREATED),
    "grantee": Entity340B(
        "a grantee or other non-hospital covered entity (Ryan White, hemophilia centre)",
        "JG", EVERY_ENTITY_340B,
    ),
    "rural-sch": Entity340B("a rural sole community hospital", "TB", JG_TB_CREATED),
    "childrens": Entity340B("a children's hospital", "TB", JG_TB_CREATED),
    "cancer-hospital": Entity340B("a PPS-exempt cancer hospital", "TB", JG_TB_CREATED),
    "critical-access": Entity340B("a critical access hospital", "TB", EVERY_ENTITY_340B),
    "maryland": Entity340B(
        "a Maryland All-Payer or Total Cost of Care Model hospital", "TB", EVERY_ENTITY_340B
    ),
    "non-excepted-pbd": Entity340B(
        "a non-excepted off-campus provider-based department", "TB", EVERY_ENTITY_340B
    ),
}  # fmt: skip
#: Where a site sets it, for the messages that ask it to.
ENTITY_340B_SETTING = "[billing] entity_340b in site-settings.toml"


def medicare_340b_modifier(entity: str, date_of_service: dt.date) -> tuple[str, str]:
    """(modifier, why) for a 340B-acquired drug on a Medicare Part B line: JG or TB by the
    entity's type from the date it must mark them, or "" with the reason there is none.
    ``entity`` "" (not set): TB, as before the setting, and ``why`` says to set it."""
    if date_of_service < JG_TB_CREATED:
        return "", (
            f"no 340B modifier: JG and TB exist from {JG_TB_CREATED.isoformat()} (CY 2018 "
            "OPPS final rule)"
        )
    known = ENTITIES_340B.get(entity)
    if known is None:
        return "TB", (
            f"the site's 340B entity type is not set ({ENTITY_340B_SETTING}), so TB is "
            "assumed; disproportionate share hospitals, rural referral centres, non-rural sole "
            "community hospitals and grantees use JG"
        )
    if date_of_service < known.since:
        return "", (
            f"no 340B modifier: {known.label} marks 340B-acquired drugs on Medicare Part B "
            f"claims from {known.since.isoformat()}"
        )
    return known.modifier, ""
