"""Publication dates as Vietnamese sites write them."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.dates import day_of, parse_published


@pytest.mark.parametrize(("raw", "iso"), [
    ("19/04/2023 18:30", "2023-04-19T18:30:00+07:00"),
    ("Thứ Tư, 19/04/2023 - 18:30", "2023-04-19T18:30:00+07:00"),
    ("Chủ nhật, 25-12-2020, 10:05 (GMT+7)", "2020-12-25T10:05:00+07:00"),
    ("Cập nhật lúc 11:32, Thứ Ba, 16/03/2021", "2021-03-16T11:32:00+07:00"),
    ("Ngày 29/12/2005", "2005-12-29"),
    ("Ngày 03 tháng 02 năm 2026 (03/02/2026)", "2026-02-03"),
    ("2023-04-20T08:12:00+07:00", "2023-04-20T08:12:00+07:00"),
    ("2026-11-12T07:30:00Z", "2026-11-12T07:30:00+00:00"),
    ("2023-04-20", "2023-04-20"),
    ("Tue, 16 Mar 2021 11:32:00 +0700", "2021-03-16T11:32:00+07:00"),
    ("31/02/2020", None),
    ("hôm nay", None),
    ("", None),
    (None, None),
])
def test_parse_published(raw, iso):
    assert parse_published(raw) == iso


def test_day_of_is_the_day_in_vietnam():
    assert day_of("2026-11-12T20:30:00+00:00") == date(2026, 11, 13)
    assert day_of("2026-11-12") == date(2026, 11, 12)
    assert day_of("not a date") is None and day_of(None) is None
