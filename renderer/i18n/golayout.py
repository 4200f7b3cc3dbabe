"""Go's reference-time layouts (``time.Time.Format``), with the month and weekday names of a language.

Moved here from :mod:`renderer.gotemplate.gotime` so that the default theme's
dates (:mod:`renderer.i18n`) and Hugo's ``time.Format`` in Go templates are
formatted by one function, without importing the Go interpreter. Nothing
here reads a clock or the host's locale.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Longest first, as Go's nextStdChunk tries them.
_TOKENS = re.compile(r"January|Jan|Monday|Mon|MST|2006|06|01|02|_2|__2|002|15|03|04|05|PM|pm|"
                     r"-07:00:00|-0700|-07:00|-07|Z07:00:00|Z0700|Z07:00|Z07|"
                     r"[.,](?:0+|9+)(?![0-9])|1|2|3|4|5")

# Hugo's named layouts (time.Format's ":date_*" and ":time_*" for English).
NAMED = {":date_full": "Monday, January 2, 2006", ":date_long": "January 2, 2006", ":date_medium": "Jan 2, 2006",
         ":date_short": "1/2/06", ":time_full": "3:04:05 PM MST", ":time_long": "3:04:05 PM MST",
         ":time_medium": "3:04:05 PM", ":time_short": "3:04 PM"}


def zone_name(t: dt.datetime) -> str:
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
    """``t`` formatted with Go's ``layout`` (time.Time.Format), in English as Go has it (a language's
    names are put in by :func:`renderer.i18n.format_time`, as Hugo does)."""
    out: list[str] = []
    pos = 0
    for m in _TOKENS.finditer(layout):
        out.append(layout[pos:m.start()])
        tok = m.group(0)
        pos = m.end()
        if tok == "January":
            out.append(MONTHS[t.month - 1])
        elif tok == "Jan":
            out.append(MONTHS[t.month - 1][:3])
        elif tok == "Monday":
            out.append(DAYS[t.weekday()])
        elif tok == "Mon":
            out.append(DAYS[t.weekday()][:3])
        elif tok == "MST":
            out.append(zone_name(t))
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
