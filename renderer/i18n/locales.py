"""Month and weekday names and date layouts per language, as Hugo 0.168 prints them (CLDR's data).

Never the host's locale: ``locale``, ``strftime("%B")`` and the like answer
differently on every machine and not at all in the sandbox. The figures
below are what the pinned ``hugo`` printed for each language with
``time.Format "January"``, ``"Monday"`` and the named layouts
(``:date_full``, ``:date_long``, ``:date_medium``, ``:date_short``);
``tests/core/test_i18n_dates.py`` checks them against Hugo when it can.

A layout here is a template of placeholders (not a Go layout: CLDR's
abbreviations, such as French "déc.", are not Go tokens): ``{d}`` the
day, ``{dd}`` two digits, ``{m}``/``{mm}`` the month's number, ``{yyyy}``,
``{yy}``, ``{month}`` its name, ``{mon}`` its short name (only where the
language's short names are what its :date_medium prints), ``{weekday}``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Locale:
    """One language's calendar words and date layouts."""

    months: tuple[str, ...]  # January... as a date has it (genitive in Russian and Polish, as Hugo prints)
    short_months: tuple[str, ...]  # Jan... (empty in Japanese and Korean, as Hugo 0.168 prints them)
    weekdays: tuple[str, ...]  # Monday first
    short_weekdays: tuple[str, ...]
    full: str
    long: str
    medium: str
    short: str


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(";"))


LOCALES: dict[str, Locale] = {
    "en": Locale(_split("January;February;March;April;May;June;July;August;September;October;November;December"),
                 _split("Jan;Feb;Mar;Apr;May;Jun;Jul;Aug;Sep;Oct;Nov;Dec"),
                 _split("Monday;Tuesday;Wednesday;Thursday;Friday;Saturday;Sunday"),
                 _split("Mon;Tue;Wed;Thu;Fri;Sat;Sun"),
                 "{weekday}, {month} {d}, {yyyy}", "{month} {d}, {yyyy}", "{mon} {d}, {yyyy}", "{m}/{d}/{yy}"),
    "fr": Locale(_split("janvier;février;mars;avril;mai;juin;juillet;août;septembre;octobre;novembre;décembre"),
                 _split("janv.;févr.;mars;avr.;mai;juin;juil.;août;sept.;oct.;nov.;déc."),
                 _split("lundi;mardi;mercredi;jeudi;vendredi;samedi;dimanche"),
                 _split("lun.;mar.;mer.;jeu.;ven.;sam.;dim."),
                 "{weekday} {d} {month} {yyyy}", "{d} {month} {yyyy}", "{d} {mon} {yyyy}", "{dd}/{mm}/{yy}"),
    "de": Locale(_split("Januar;Februar;März;April;Mai;Juni;Juli;August;September;Oktober;November;Dezember"),
                 _split("Jan.;Feb.;März;Apr.;Mai;Juni;Juli;Aug.;Sept.;Okt.;Nov.;Dez."),
                 _split("Montag;Dienstag;Mittwoch;Donnerstag;Freitag;Samstag;Sonntag"),
                 _split("Mo.;Di.;Mi.;Do.;Fr.;Sa.;So."),
                 "{weekday}, {d}. {month} {yyyy}", "{d}. {month} {yyyy}", "{dd}.{mm}.{yyyy}", "{dd}.{mm}.{yy}"),
    "es": Locale(_split("enero;febrero;marzo;abril;mayo;junio;julio;agosto;septiembre;octubre;noviembre;diciembre"),
                 _split("ene;feb;mar;abr;may;jun;jul;ago;sept;oct;nov;dic"),
                 _split("lunes;martes;miércoles;jueves;viernes;sábado;domingo"),
                 _split("lun;mar;mié;jue;vie;sáb;dom"),
                 "{weekday}, {d} de {month} de {yyyy}", "{d} de {month} de {yyyy}", "{d} {mon} {yyyy}",
                 "{d}/{m}/{yy}"),
    "pt": Locale(_split("janeiro;fevereiro;março;abril;maio;junho;julho;agosto;setembro;outubro;novembro;dezembro"),
                 _split("jan.;fev.;mar.;abr.;mai.;jun.;jul.;ago.;set.;out.;nov.;dez."),
                 _split("segunda-feira;terça-feira;quarta-feira;quinta-feira;sexta-feira;sábado;domingo"),
                 _split("seg.;ter.;qua.;qui.;sex.;sáb.;dom."),
                 "{weekday}, {d} de {month} de {yyyy}", "{d} de {month} de {yyyy}", "{d} de {mon} de {yyyy}",
                 "{dd}/{mm}/{yy}"),
    "ja": Locale(_split("1月;2月;3月;4月;5月;6月;7月;8月;9月;10月;11月;12月"),
                 ("",) * 12,
                 _split("月曜日;火曜日;水曜日;木曜日;金曜日;土曜日;日曜日"),
                 _split("月;火;水;木;金;土;日"),
                 "{yyyy}年{m}月{d}日{weekday}", "{yyyy}年{m}月{d}日", "{yyyy}/{mm}/{dd}", "{yy}/{mm}/{dd}"),
    "zh": Locale(_split("一月;二月;三月;四月;五月;六月;七月;八月;九月;十月;十一月;十二月"),
                 _split("1月;2月;3月;4月;5月;6月;7月;8月;9月;10月;11月;12月"),
                 _split("星期一;星期二;星期三;星期四;星期五;星期六;星期日"),
                 _split("周一;周二;周三;周四;周五;周六;周日"),
                 "{yyyy}年{m}月{d}日{weekday}", "{yyyy}年{m}月{d}日", "{yyyy}年{m}月{d}日", "{yy}/{m}/{d}"),
    "it": Locale(_split("gennaio;febbraio;marzo;aprile;maggio;giugno;luglio;agosto;settembre;ottobre;novembre;"
                        "dicembre"),
                 _split("gen;feb;mar;apr;mag;giu;lug;ago;set;ott;nov;dic"),
                 _split("lunedì;martedì;mercoledì;giovedì;venerdì;sabato;domenica"),
                 _split("lun;mar;mer;gio;ven;sab;dom"),
                 "{weekday} {d} {month} {yyyy}", "{d} {month} {yyyy}", "{d} {mon} {yyyy}", "{dd}/{mm}/{yy}"),
    "nl": Locale(_split("januari;februari;maart;april;mei;juni;juli;augustus;september;oktober;november;december"),
                 _split("jan;feb;mrt;apr;mei;jun;jul;aug;sep;okt;nov;dec"),
                 _split("maandag;dinsdag;woensdag;donderdag;vrijdag;zaterdag;zondag"),
                 _split("ma;di;wo;do;vr;za;zo"),
                 "{weekday} {d} {month} {yyyy}", "{d} {month} {yyyy}", "{d} {mon} {yyyy}", "{dd}-{mm}-{yy}"),
    "ru": Locale(_split("января;февраля;марта;апреля;мая;июня;июля;августа;сентября;октября;ноября;декабря"),
                 _split("янв.;февр.;мар.;апр.;мая;июн.;июл.;авг.;сент.;окт.;нояб.;дек."),
                 _split("понедельник;вторник;среда;четверг;пятница;суббота;воскресенье"),
                 _split("пн;вт;ср;чт;пт;сб;вс"),
                 "{weekday}, {d} {month} {yyyy}\u202fг.", "{d} {month} {yyyy}\u202fг.", "{d} {mon} {yyyy}\u202fг.",
                 "{dd}.{mm}.{yy}"),
    "ko": Locale(_split("1월;2월;3월;4월;5월;6월;7월;8월;9월;10월;11월;12월"),
                 ("",) * 12,
                 _split("월요일;화요일;수요일;목요일;금요일;토요일;일요일"),
                 _split("월;화;수;목;금;토;일"),
                 "{yyyy}년 {m}월 {d}일 {weekday}", "{yyyy}년 {m}월 {d}일", "{yyyy}. {m}. {d}.", "{yy}. {m}. {d}."),
    "pl": Locale(_split("stycznia;lutego;marca;kwietnia;maja;czerwca;lipca;sierpnia;września;października;"
                        "listopada;grudnia"),
                 _split("sty;lut;mar;kwi;maj;cze;lip;sie;wrz;paź;lis;gru"),
                 _split("poniedziałek;wtorek;środa;czwartek;piątek;sobota;niedziela"),
                 _split("pon.;wt.;śr.;czw.;pt.;sob.;niedz."),
                 "{weekday}, {d} {month} {yyyy}", "{d} {month} {yyyy}", "{d} {mon} {yyyy}", "{d}.{mm}.{yy}"),
}

NAMED_DATES = (":date_full", ":date_long", ":date_medium", ":date_short")


def candidates(code: str) -> list[str]:
    """``code`` and the languages it falls back to: ``pt-BR`` -> ``pt-br``, ``pt``."""
    code = code.strip().lower().replace("_", "-")
    out = [code] if code else []
    while "-" in code:
        code = code.rsplit("-", 1)[0]
        out.append(code)
    return out


def locale(code: str) -> Locale:
    """The calendar of language ``code`` (its base language's, else English's)."""
    for name in candidates(code):
        if name in LOCALES:
            return LOCALES[name]
    return LOCALES["en"]


def named_date(moment: dt.datetime | dt.date, name: str, code: str) -> str:
    """``moment`` in Hugo's named layout ``name`` (``:date_long``...) for language ``code``."""
    loc = locale(code)
    layout = {":date_full": loc.full, ":date_long": loc.long, ":date_medium": loc.medium,
              ":date_short": loc.short}[name]
    return fill(layout, moment, loc)


def fill(layout: str, moment: dt.datetime | dt.date, loc: Locale) -> str:
    """A placeholder ``layout`` (see the module's text) filled in for ``moment``."""
    values = {"d": str(moment.day), "dd": f"{moment.day:02d}", "m": str(moment.month), "mm": f"{moment.month:02d}",
              "yyyy": f"{moment.year:04d}", "yy": f"{moment.year % 100:02d}", "month": loc.months[moment.month - 1],
              "mon": loc.short_months[moment.month - 1], "weekday": loc.weekdays[moment.weekday()]}
    return layout.format_map(values)
