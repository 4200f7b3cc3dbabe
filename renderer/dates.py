"""Dates: strict parsing of front-matter dates and the formats templates need.

The core never asks the system for a time zone or the current time: the host
passes the site's zone as TZif bytes and the build time as a number.
Parsing is our own (not ``datetime.fromisoformat``) so that the accepted
forms and the error wording are the same on every Python version, inside
and outside the sandbox.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import io
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .diagnostics import SourceError
from .values import shorten, type_name

UTC = _dt.UTC

_DATE_RE = re.compile(
    r"""^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})
        (?:[Tt ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?
           [ ]?(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?$""",
    re.VERBOSE | re.ASCII,  # ASCII digits only: which characters are \d depends on the Python version
)

_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

EXPECTED = "expected YYYY-MM-DD or an RFC 3339 time such as 2023-11-15T17:04:04Z"


def load_zone(name: str, tzif: bytes | None) -> _dt.tzinfo:
    """The site's zone from host-supplied TZif data; UTC needs none."""
    if name in ("UTC", "Etc/UTC", "Z") and not tzif:
        return UTC
    if not tzif:
        raise SourceError(f"unknown time zone {name!r}: use an IANA name such as 'Europe/Paris'")
    try:
        return ZoneInfo.from_file(io.BytesIO(tzif), key=name)
    except (ValueError, OSError) as exc:
        raise SourceError(f"time zone data for {name!r} is unreadable: {exc}") from None


def parse_date(value: object, zone: _dt.tzinfo, key: str = "date") -> _dt.datetime:
    """A front-matter value as an aware datetime; naive times are in ``zone``.

    Raises :class:`SourceError` (without line; the caller adds it).
    """
    if isinstance(value, _dt.datetime):  # TOML front matter gives these
        return value if value.tzinfo else _localize(value, zone)
    if isinstance(value, _dt.date):
        return _localize(_dt.datetime(value.year, value.month, value.day), zone)
    if not isinstance(value, str):
        raise SourceError(f"'{key}' must be a date ({EXPECTED}), not {type_name(value)}")
    text = value.strip()
    m = _DATE_RE.match(text)
    if not m:
        raise SourceError(f"'{key}': {shorten(text, 60)!r} is not a date ({EXPECTED})")
    g = m.groupdict()
    frac = (g["f"] or "0")[:6].ljust(6, "0")
    year, month, day = int(g["y"]), int(g["m"]), int(g["d"])
    hour, minute, second = int(g["H"] or 0), int(g["M"] or 0), int(g["S"] or 0)
    # Checked here, not by datetime, whose wording differs between Python versions.
    if not 1 <= month <= 12:
        raise SourceError(f"'{key}': {text!r} is not a valid date (month {month} is not 1..12)")
    if year < 1:
        raise SourceError(f"'{key}': {text!r} is not a valid date (year 0 does not exist; years start at 1)")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise SourceError(f"'{key}': {text!r} is not a valid date (day {day} is not 1..{last} "
                          f"for {_MONTHS[month - 1]} {year})")
    if hour > 23 or minute > 59 or second > 59:
        raise SourceError(f"'{key}': {text!r} is not a valid time of day")
    naive = _dt.datetime(year, month, day, hour, minute, second, int(frac))
    tz = g["tz"]
    if tz is None:
        return _localize(naive, zone)
    if tz in "Zz":
        return naive.replace(tzinfo=UTC)
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise SourceError(f"'{key}': {text!r} has an invalid UTC offset")
    offset = _dt.timedelta(hours=hours, minutes=minutes) * sign
    return naive.replace(tzinfo=_dt.timezone(offset))


def _localize(naive: _dt.datetime, zone: _dt.tzinfo) -> _dt.datetime:
    return naive.replace(tzinfo=zone)


def to_iso(moment: _dt.datetime) -> str:
    """RFC 3339 with the moment's own offset, to the second; ``Z`` for UTC."""
    offset = moment.utcoffset() or _dt.timedelta(0)
    base = (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}")
    return base + _offset_text(offset, colon=True, utc_z=True)


def to_micros(moment: _dt.datetime) -> int:
    """Microseconds since the epoch, for sorting and comparing with build time."""
    delta = moment - _dt.datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _offset_text(offset: _dt.timedelta, colon: bool, utc_z: bool) -> str:
    total = int(offset.total_seconds()) // 60
    if total == 0 and utc_z:
        return "Z"
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total), 60)
    return f"{sign}{hours:02d}:{minutes:02d}" if colon else f"{sign}{hours:02d}{minutes:02d}"


@dataclass(frozen=True)
class DateInfo:
    """A post date as templates use it; built from the stored ISO text."""

    iso: str
    year: int
    month: int
    day: int
    human: str  # 15 November 2023
    ymd: str  # 2023-11-15
    rfc822: str  # Wed, 15 Nov 2023 17:04:04 +0000
    month_name: str

    def __str__(self) -> str:
        return self.human

    @classmethod
    def from_iso(cls, iso: str) -> DateInfo:
        moment = parse_date(iso, UTC)
        offset = moment.utcoffset() or _dt.timedelta(0)
        rfc822 = (f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1][:3]} "
                  f"{moment.year:04d} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} "
                  f"{_offset_text(offset, colon=False, utc_z=False)}")
        return cls(
            iso=iso,
            year=moment.year,
            month=moment.month,
            day=moment.day,
            human=f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}",
            ymd=f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}",
            rfc822=rfc822,
            month_name=_MONTHS[moment.month - 1],
        )
