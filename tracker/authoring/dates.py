"""Dates as letters and reports write them: '19 March 2009', '12 to 16 February 2024'."""

from __future__ import annotations

import datetime as dt
import re

MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
         r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)")
DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({MONTH})\.?,? (\d{{4}})\b")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MAX_RANGE = 14
"""A visit given as a range longer than this many days keeps only its first and last day."""



def date_of(day: str, month: str, year: str) -> dt.date | None:
    """The date of a day, a month's name and a year, None when there is no such day."""
    try:
        return dt.date(int(year), _MONTHS.index(month[:3].lower()) + 1, int(day))
    except ValueError:
        return None


def dates_in(text: str) -> list[dt.date]:
    """The dates `text` names ('21 and 22 January 2010', '12 to 16 February 2024',
    '19 January 2026 to 23 January 2026'): a range of up to MAX_RANGE days as every day in it,
    a longer one as its first and last day; [] when a part is not a date."""
    parts = [list(m.groups()) for m in re.finditer(
        rf"(\d{{1,2}})(?:st|nd|rd|th)?\b(?: ({MONTH}))?(?: (\d{{4}}))?", text)]
    for index in range(len(parts) - 2, -1, -1):
        parts[index][1] = parts[index][1] or parts[index + 1][1]
        parts[index][2] = parts[index][2] or parts[index + 1][2]
    days = [date_of(*p) for p in parts]
    if not days or None in days:
        return []
    dates = [d for d in days if d]
    ranged = re.match(r"[Bb]etween|[Ff]rom", text) or re.search(r" to |[–—-]", text)
    if ranged and len(dates) == 2 and 0 < (dates[1] - dates[0]).days <= MAX_RANGE:
        dates = [dates[0] + dt.timedelta(days=n) for n in range((dates[1] - dates[0]).days + 1)]
    return dates
