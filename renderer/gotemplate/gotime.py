"""Go's ``time.Time`` for templates: ``.Format`` with Go's reference-time layouts, and its accessors.

A layout is written with the reference time ``Mon Jan 2 15:04:05 MST 2006``
(``"2006-01-02"``, ``"January 2, 2006"``, ``":date_long"`` in Hugo's
``dateFormat``...). The value wraps an aware ``datetime``; nothing here
reads a clock.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from ..i18n.golayout import MONTHS, go_format, zone_name
from .values import GoError, GoObject


class GoTime(GoObject):
    """A time.Time (a page's ``.Date``, ``now``, ``time "2024-01-02"``)."""

    go_name: ClassVar[str] = "time.Time"
    go_fields: ClassVar[frozenset[str]] = frozenset([
        "Format", "Year", "Month", "Day", "Hour", "Minute", "Second", "Nanosecond", "Weekday", "YearDay", "Unix",
        "UnixMilli", "IsZero", "UTC", "Local", "Before", "After", "Equal", "AddDate", "Add", "Sub", "In",
        "String", "Zone"])

    def __init__(self, moment: dt.datetime | None) -> None:
        self.t = moment if moment is not None else dt.datetime(1, 1, 1, tzinfo=dt.UTC)
        self.zero = moment is None

    def go_string(self) -> str:
        return self.String()

    def go_json(self) -> str:
        return go_format(self.t, "2006-01-02T15:04:05Z07:00")

    def go_truth(self) -> bool:
        return True

    def Format(self, layout: Any) -> str:
        if not isinstance(layout, str):
            raise GoError("Format: the layout must be a string")
        return go_format(self.t, layout)

    def String(self) -> str:
        return go_format(self.t, "2006-01-02 15:04:05.999999999 -0700 MST")

    def Year(self) -> int:
        return self.t.year

    def Month(self) -> GoMonth:
        return GoMonth(self.t.month)

    def Day(self) -> int:
        return self.t.day

    def Hour(self) -> int:
        return self.t.hour

    def Minute(self) -> int:
        return self.t.minute

    def Second(self) -> int:
        return self.t.second

    def Nanosecond(self) -> int:
        return self.t.microsecond * 1000

    def Weekday(self) -> GoWeekday:
        return GoWeekday((self.t.weekday() + 1) % 7)

    def YearDay(self) -> int:
        return self.t.timetuple().tm_yday

    def Unix(self) -> int:
        return int((self.t - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds() // 1)

    def UnixMilli(self) -> int:
        delta = self.t - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000

    def IsZero(self) -> bool:
        return self.zero

    def UTC(self) -> GoTime:
        return GoTime(self.t.astimezone(dt.UTC))

    def Local(self) -> GoTime:
        return self

    def In(self, zone: Any) -> GoTime:
        return self

    def Zone(self) -> str:
        return zone_name(self.t)

    def Before(self, other: Any) -> bool:
        return self.t < _as_time(other).t

    def After(self, other: Any) -> bool:
        return self.t > _as_time(other).t

    def Equal(self, other: Any) -> bool:
        return self.t == _as_time(other).t

    def AddDate(self, years: int, months: int, days: int) -> GoTime:
        month0 = self.t.month - 1 + months
        year = self.t.year + years + month0 // 12
        month = month0 % 12 + 1
        base = self.t.replace(year=year, month=month, day=1)
        if not 1 <= year <= 9999:
            raise GoError("AddDate: year out of range")
        return GoTime(base + dt.timedelta(days=self.t.day - 1 + days))

    def Add(self, nanoseconds: int) -> GoTime:
        return GoTime(self.t + dt.timedelta(microseconds=int(nanoseconds) // 1000))

    def Sub(self, other: Any) -> int:
        delta = self.t - _as_time(other).t
        return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


class GoMonth(int):
    """time.Month: an int that prints as its English name."""

    def __str__(self) -> str:
        return MONTHS[int(self) - 1]


class GoWeekday(int):
    """time.Weekday: an int that prints as its English name."""

    def __str__(self) -> str:
        return ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][int(self)]


def _as_time(value: Any) -> GoTime:
    if isinstance(value, GoTime):
        return value
    return parse_time(value)


_FORMATS = ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d", "%Y-%m-%dT%H:%M"]


def parse_time(value: Any, zone: dt.tzinfo | None = None) -> GoTime:
    """Hugo's ``time`` / ``dateFormat`` input: a time, or a date string in the usual layouts."""
    if isinstance(value, GoTime):
        return value
    if isinstance(value, bool) or value is None:
        raise GoError(f"unable to cast {value!r} to time.Time")
    if isinstance(value, (int, float)):
        return GoTime(dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=int(value)))
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        text = re.sub(r"([+-][0-9][0-9]):([0-9][0-9])$", r"\1\2", text)
        text = re.sub(r"\.[0-9]+", "", text, count=1)
        for fmt in _FORMATS:
            try:
                moment = dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone or dt.UTC)
            return GoTime(moment)
        raise GoError(f'unable to parse date: {value}')
    raise GoError(f"unable to cast {value!r} of type {type(value).__name__} to time.Time")
