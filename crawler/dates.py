"""Publication dates as Vietnamese sites write them, to ISO 8601.

Pages give ``19/04/2023 18:30``, ``Thứ Tư, 19/04/2023 - 18:30``, ``Chủ nhật, 25-12-2020, 10:05 (GMT+7)``,
``2023-04-19T18:30:00+07:00`` in a meta tag, or an RFC 2822 date in RSS. A time without an offset is Vietnam's
(UTC+7): the sites publish in local time.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

VIETNAM = timezone(timedelta(hours=7))

_DMY = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})(?!\d)"
    r"(?:\D{0,6}?(?P<H>\d{1,2})[:hg](?P<M>\d{2})(?!\d))?"
)
_TIME_FIRST = re.compile(r"(?<!\d)(?P<H>\d{1,2})[:hg](?P<M>\d{2})(?!\d)\D{0,20}?(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


def parse_published(value: str | None) -> str | None:
    """The date-time (or date) a page states, as an ISO 8601 string; None when nothing parses."""
    if not value:
        return None
    text = " ".join(value.split())
    iso = _ISO.search(text)
    if iso:
        raw = iso.group(0).replace(" ", "T").replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            parsed = None
        if parsed is not None:
            if "T" not in raw:
                return parsed.date().isoformat()
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=VIETNAM)).isoformat()
    match = _DMY.search(text)
    if match and match["H"] is None:  # "11:32, Thứ Ba, 16/03/2021": the time before the date
        match = _TIME_FIRST.search(text) or match
    if match:
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            return None
        if match["H"] is None:
            return day.isoformat()
        try:
            return datetime(day.year, day.month, day.day, int(match["H"]), int(match["M"]), tzinfo=VIETNAM).isoformat()
        except ValueError:
            return day.isoformat()
    try:
        parsed = parsedate_to_datetime(text)  # RSS
    except (TypeError, ValueError, IndexError):
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=VIETNAM)).isoformat()


def day_of(iso: str | None) -> date | None:
    """The calendar day of an ISO date or date-time, in Vietnam's time."""
    if not iso:
        return None
    try:
        if "T" in iso:
            moment = datetime.fromisoformat(iso)
            return (moment.astimezone(VIETNAM) if moment.tzinfo else moment).date()
        return date.fromisoformat(iso)
    except ValueError:
        return None
