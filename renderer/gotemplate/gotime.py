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

from .values import GoError, GoObject

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Longest first, as Go's nextStdChunk tries them.
_TOKENS = re.compile(r"January|Jan|Monday|Mon|MST|2006|06|01|02|_2|__2|002|15|03|04|05|PM|pm|"
                     r"-07:00:00|-0700|-07:00|-07|Z07:00:00|Z0700|Z07:00|Z07|"
                     r"[.,](?:0+|9+)(?![0-9])|1|2|3|4|5")

# Hugo's named layouts (time.Format's ":date_*" and ":time_*" for English).
NAMED = {":date_full": "Monday, January 2, 2006", ":date_long": "January 2, 2006", ":date_medium": "Jan 2, 2006",
         ":date_short": "1/2/06", ":time_full": "3:04:05 PM MST", ":time_long": "3:04:05 PM MST",
         ":time_medium": "3:04:05 PM", ":time_short": "3:04 PM"}


def _zone_name(t: dt.datetime) -> str:
    name = t.tzname() or ""
    if name and name[0] in "+-" or not name:
        off = t.utcoffset() or dt.timedelta()
        total = int(off.total_seconds())
        if total == 0 and (name in ("", "UTC", "+00:00")):
            return "UTC"
        sign = "-" if total < 0 else "+"
        total = abs(total)
        h, m = divmod(total // 60, 60)
        return f"{sign}{h:02d}" + (f"{m:02d}" if m else "")
    return name


def _offset(t: dt.datetime, colon: bool, seconds: bool, z: bool, hours_only: bool = False) -> str:
    total = int((t.utcoffset() or dt.timedelta()).total_seconds())
    if z and total == 0:
        return "Z"
    sign = "-" if total < 0 else "+"
    total = abs(total)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    if hours_only:
        return f"{sign}{h:02d}"
    sep = ":" if colon else ""
    out = f"{sign}{h:02d}{sep}{m:02d}"
    if seconds:
        out += f"{sep}{s:02d}"
    return out


def go_format(t: dt.datetime, layout: str) -> str:
    """``t`` formatted with Go's ``layout`` (time.Time.Format)."""
    out: list[str] = []
    pos = 0
    for m in _TOKENS.finditer(layout):
        out.append(layout[pos:m.start()])
        tok = m.group(0)
        pos = m.end()
        if tok == "January":
            out.append(_MONTHS[t.month - 1])
        elif tok == "Jan":
            out.append(_MONTHS[t.month - 1][:3])
        elif tok == "Monday":
            out.append(_DAYS[t.weekday()])
        elif tok == "Mon":
            out.append(_DAYS[t.weekday()][:3])
        elif tok == "MST":
            out.append(_zone_name(t))
        elif tok == "2006":
            out.append(f"{t.year:04d}")
        elif tok == "06":
            out.append(f"{t.year % 100:02d}")
        elif tok == "01":
            out.append(f"{t.month:02d}")
        elif tok == "1":
            out.append(str(t.month))
        elif tok == "02":
            out.append(f"{t.day:02d}")
        elif tok == "_2":
            out.append(f"{t.day:2d}")
        elif tok == "2":
            out.append(str(t.day))
        elif tok == "002":
            out.append(f"{t.timetuple().tm_yday:03d}")
        elif tok == "__2":
            out.append(f"{t.timetuple().tm_yday:3d}")
        elif tok == "15":
            out.append(f"{t.hour:02d}")
        elif tok == "03":
            out.append(f"{(t.hour % 12) or 12:02d}")
        elif tok == "3":
            out.append(str((t.hour % 12) or 12))
        elif tok == "04":
            out.append(f"{t.minute:02d}")
        elif tok == "4":
            out.append(str(t.minute))
        elif tok == "05":
            out.append(f"{t.second:02d}")
        elif tok == "5":
            out.append(str(t.second))
        elif tok == "PM":
            out.append("PM" if t.hour >= 12 else "AM")
        elif tok == "pm":
            out.append("pm" if t.hour >= 12 else "am")
        elif tok == "-0700":
            out.append(_offset(t, False, False, False))
        elif tok == "-07:00":
            out.append(_offset(t, True, False, False))
        elif tok == "-07":
            out.append(_offset(t, False, False, False, True))
        elif tok == "-07:00:00":
            out.append(_offset(t, True, True, False))
        elif tok == "Z0700":
            out.append(_offset(t, False, False, True))
        elif tok == "Z07:00":
            out.append(_offset(t, True, False, True))
        elif tok == "Z07":
            out.append(_offset(t, False, False, True, True))
        elif tok == "Z07:00:00":
            out.append(_offset(t, True, True, True))
        elif tok[0] in ".,":
            n = len(tok) - 1
            frac = f"{t.microsecond:06d}000"[:n]
            if tok[1] == "9":
                frac = frac.rstrip("0")
                out.append(tok[0] + frac if frac else "")
            else:
                out.append(tok[0] + frac)
        else:
            out.append(tok)
    out.append(layout[pos:])
    return "".join(out)


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
        return _zone_name(self.t)

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
        return _MONTHS[int(self) - 1]


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
