"""Dates as people write them on claims: YYYY-MM-DD and nothing looser."""

from __future__ import annotations

import datetime as dt
import re

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def calendar_day(year: int, month: int, day: int) -> dt.date:
    """The date a calendar widget shows (the window's own modules leave datetime to this one)."""
    return dt.date(year, month, day)


def strict_date(text: str) -> dt.date:
    """YYYY-MM-DD only (``fromisoformat`` also takes week dates like 2024-W01-1).

    Raises ValueError for anything else, including impossible days like 2026-02-30.
    """
    cleaned = text.strip()
    if not _ISO_DAY.fullmatch(cleaned):
        raise ValueError(f"not YYYY-MM-DD: {cleaned!r}")
    return dt.date.fromisoformat(cleaned)
