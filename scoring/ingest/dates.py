"""Review dates from the many ways exports write them, as UTC.

Read, in this order, once per *distinct* value (a column of a million rows with a
few thousand distinct dates costs a few thousand parses; ISO timestamps, even all
distinct, go through pandas' vectorised ISO 8601 parser):

1. ISO 8601 with or without offset (``2025-10-02 07:48:02.236313``,
   ``2024-04-03T23:37:30.000Z``, ``2024-04-03T23:37:30+02:00``), ``2024/04/03``,
   ``20240403``. Times without an offset are taken as UTC.
2. Prefixes are removed: ``Datum der Erfahrung:``, ``Date of experience:``,
   ``Updated``, ``Edited`` ... (any label ending in a colon before the date).
3. Unix epochs in seconds, milliseconds, microseconds or nanoseconds (by size).
4. Numeric day/month/year (``31/01/2020``, ``01.02.25 14:30``, ``1/2/2025 3:04 PM``).
   The order is taken from the values when some prove it (a first number above
   12 means day first); when none do, the column is *ambiguous* and the caller must
   say ``dayfirst=True`` or ``False``: it is never guessed.
5. Month names in English, German, French, Dutch and Spanish, full or abbreviated
   (``02. Oktober 2023``, ``Oct 2, 2023``, ``2 de octubre de 2023``).
6. Relative dates (``a year ago``, ``3 weeks ago``, ``vor 2 Tagen``, ``il y a 3 mois``,
   ``2 jaar geleden``, ``hace un mes``, ``yesterday``), resolved against
   ``reference_date``, which the caller must then supply.
7. Anything left that contains a letter goes to ``dateparser`` (same five
   languages, full dates only; a value whose result moves with the base date is
   relative and needs ``reference_date`` too).

Dates before 1990 or after 2100 are not plausible review dates and are refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scoring.errors import ReviewDataError

NAT = np.iinfo(np.int64).min
#: Plausible review dates (microseconds since the Unix epoch, UTC).
EARLIEST = pd.Timestamp("1990-01-01", tz="UTC")
LATEST = pd.Timestamp("2100-01-01", tz="UTC")
_EARLIEST_US = EARLIEST.value // 1000
_LATEST_US = LATEST.value // 1000

# Status of each value, for rejection reasons.
OK, MISSING, UNREADABLE, IMPLAUSIBLE, AMBIGUOUS, NEEDS_REFERENCE = range(6)

# Patterns used on whole columns are plain strings so that pandas can hand them to
# Arrow's vectorised regex kernels.
_ISO = r"^\d{4}-\d{1,2}-\d{1,2}(?:$|[T ]\d)"
_ISO_BASIC = r"\d{8}"
_YEAR_FIRST = r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})"
_EPOCH = r"\d{9,19}(?:\.\d+)?"
_ZONE_WORD = r"\s*(?:UTC|GMT|utc|gmt|Z)$"
_PREFIX = re.compile(
    r"^(?:(?P<label>[^\d:]{1,60}):\s*"
    r"|(?:updated|edited|modified|posted|published|aktualisiert|bearbeitet|geändert|"
    r"veröffentlicht|mis à jour|modifié|publié|bijgewerkt|gewijzigd|geplaatst|"
    r"actualizado|editado|publicado)\b[\s:.,-]*)",
    re.IGNORECASE,
)
_PREFIX_RE2 = "(?i)" + _PREFIX.pattern.replace("(?P<label>", "(?:")
_EXPERIENCE = re.compile(r"erfahrung|experience|expérience|ervaring|experiencia", re.IGNORECASE)
# Run by Arrow's RE2 engine (pyarrow.compute.extract_regex), hence named groups.
_DMY = (
    r"^(?P<first>\d{1,2})[./-](?P<second>\d{1,2})[./-](?P<year>\d{4}|\d{2})"
    r"(?:[ T,]+(?P<hour>\d{1,2})[:.h](?P<minute>\d{2})"
    r"(?:[:.](?P<sec>\d{2})(?:[.,](?P<frac>\d{1,6}))?)?\s*(?P<ampm>[aApP]\.?[mM]\.?)?)?"
    r"\s*(?:[zZ]|UTC|GMT|utc|gmt)?$"
)
_NAIVE_TIME = r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?$"

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januar jänner jaenner janvier janv januari enero ene",
        "february feb februar février fevrier févr fevr februari febrero",
        "march mar märz maerz mrz mär mars maart mrt marzo",
        "april apr avril avr abril abr",
        "may mai mei mayo",
        "june jun juni juin junio",
        "july jul juli juillet juil julio",
        "august aug août aout augustus agosto ago",
        "september sep sept septembre septiembre setiembre",
        "october oct oktober okt octobre octubre",
        "november nov novembre noviembre",
        "december dec dezember dez décembre decembre déc diciembre dic",
    ],
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number
#: Words that may stand around a written-out date without changing it.
_FILLERS = {
    "de", "del", "of", "the", "at", "on", "um", "uhr", "à", "a", "om", "las", "le", "el",
    "den", "der", "die", "het", "van", "h", "utc", "gmt", "z", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed",
    "thu", "thur", "thurs", "fri", "sat", "sun", "montag", "dienstag", "mittwoch",
    "donnerstag", "freitag", "samstag", "sonntag", "mo", "di", "mi", "do", "fr", "sa", "so",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lun", "mar",
    "mer", "jeu", "ven", "sam", "dim", "maandag", "dinsdag", "woensdag", "donderdag",
    "vrijdag", "zaterdag", "zondag", "ma", "wo", "vr", "za", "zo", "lunes", "martes",
    "miércoles", "miercoles", "jueves", "viernes", "sábado", "sabado", "domingo",
}  # fmt: skip
_AM_PM = {"am": "am", "a.m": "am", "pm": "pm", "p.m": "pm"}
_TOKEN = re.compile(
    r"\d{1,2}[:h]\d{2}(?::\d{2}(?:[.,]\d+)?)?|\d+(?:st|nd|rd|th|er|e|º|°)?\.?|[^\W\d_]+(?:\.[^\W\d_]+)?\.?"
)

_ONE = "a|an|one|ein|eine|einer|einem|einen|un|une|een|één|uno|una"
_UNIT_WORDS: dict[str, str] = {}
for _unit, _words in {
    "seconds": "second seconds sec secs s sekunde sekunden seconde secondes seconden segundo "
    "segundos moment moments",
    "minutes": "minute minutes min mins minuten minuut minuto minutos",
    "hours": "hour hours hr hrs h stunde stunden heure heures uur uren hora horas",
    "days": "day days tag tage tagen jour jours dag dagen día días dia dias",
    "weeks": "week weeks wk wks woche wochen semaine semaines weken semana semanas",
    "months": "month months mo mos monat monate monaten mois maand maanden mes meses",
    "years": "year years yr yrs jahr jahre jahren an ans année années jaar jaren año años ano anos",
}.items():
    for _word in _words.split():
        _UNIT_WORDS[_word] = _unit
_UNIT = "|".join(sorted(map(re.escape, _UNIT_WORDS), key=len, reverse=True))
_TIMEDELTA_UNITS: dict[str, Literal["s", "min", "h", "D", "W"]] = {
    "seconds": "s", "minutes": "min", "hours": "h", "days": "D", "weeks": "W",
}
"""The fixed-length units as ``pd.Timedelta`` spells them (months and years are not)."""
_RELATIVE = [
    re.compile(rf"^(?:about |over |almost |nearly )?({_ONE}|\d+) ({_UNIT}) ago$"),
    re.compile(rf"^vor (?:etwa |über |fast )?({_ONE}|\d+) ({_UNIT})$"),
    re.compile(rf"^il y a (?:environ |plus de |presque )?({_ONE}|\d+) ({_UNIT})$"),
    re.compile(rf"^(?:ongeveer |bijna |meer dan )?({_ONE}|\d+) ({_UNIT}) geleden$"),
    re.compile(rf"^hace (?:unos |unas |más de |casi )?({_ONE}|\d+) ({_UNIT})$"),
]
_RELATIVE_DAYS = {
    "today": 0, "now": 0, "just now": 0, "moments ago": 0, "a moment ago": 0,
    "heute": 0, "gerade eben": 0, "aujourd'hui": 0, "vandaag": 0, "hoy": 0, "ahora": 0,
    "yesterday": 1, "gestern": 1, "hier": 1, "gisteren": 1, "ayer": 1,
}  # fmt: skip


@dataclass(frozen=True)
class DateParseResult:
    """Parsed dates aligned with the input.

    ``micros`` holds microseconds since the Unix epoch (UTC), ``NAT`` where no date
    was read; ``status`` says why per row (``OK``, ``MISSING``, ``UNREADABLE``,
    ``IMPLAUSIBLE``, ``AMBIGUOUS``, ``NEEDS_REFERENCE``). ``dayfirst`` is the order
    used for numeric dates (``None`` when none needed it); ``notes`` are sentences
    for the import report.
    """

    micros: np.ndarray
    status: np.ndarray
    dayfirst: bool | None = None
    relative: bool = False
    notes: list[str] = field(default_factory=list)

    def as_series(self) -> pd.Series:
        """The dates as a ``datetime64[us, UTC]`` Series (NaT where unread)."""
        return pd.Series(self.micros.view("datetime64[us]")).dt.tz_localize("UTC")


def today_example() -> str:
    """Today's date as YYYY-MM-DD: the example messages give for a date to type (a
    fixed date would read as a suggestion to use it)."""
    return dt.date.today().isoformat()


def to_utc_timestamp(value: Any, name: str = "reference_date") -> pd.Timestamp:
    """A date, datetime, string or Timestamp as a UTC Timestamp (naive = UTC)."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ReviewDataError(
            f"{name}={value!r} is not a date; pass a date as YYYY-MM-DD (e.g. "
            f"'{today_example()}') or a datetime.date.",
            option=name,
        ) from exc
    if stamp is pd.NaT:
        raise ReviewDataError(
            f"{name} is empty; pass a date as YYYY-MM-DD (e.g. '{today_example()}').",
            option=name,
        )
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def parse_dates(
    values: pd.Series,
    *,
    dayfirst: bool | None = None,
    reference_date: Any = None,
    column: str = "date",
    strict: bool = True,
    use_dateparser: bool = True,
) -> DateParseResult:
    """Parse a column of dates to UTC.

    Args:
        values: the column (strings, numbers or datetimes).
        dayfirst: order of numeric day/month dates; ``None`` reads it from the values
            and, when they do not settle it, raises (strict) or leaves them unread.
        reference_date: the date relative values (``a year ago``) count back from,
            normally the day the file was scraped.
        column: the column's name, for messages.
        strict: raise :class:`ReviewDataError` for ambiguous day/month order and for
            relative dates without ``reference_date``; when False such values get the
            status ``AMBIGUOUS`` / ``NEEDS_REFERENCE`` instead (used for optional
            columns and for probing).
        use_dateparser: whether step 7 may call ``dateparser`` (slow; off for probes).
    """
    reference = None if reference_date is None else to_utc_timestamp(reference_date)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return _from_datetimes(values, column)
    if pd.api.types.is_bool_dtype(values.dtype):
        status = np.where(values.isna().to_numpy(), MISSING, UNREADABLE)
        return DateParseResult(np.full(len(values), NAT, dtype=np.int64), status)
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        micros, status = _from_epochs(numbers)
        return DateParseResult(micros, status)

    if _mostly_distinct(values):
        # Hashing a million distinct timestamps costs more than it saves: parse the
        # column itself (still vectorised; the per-value stages see few leftovers).
        codes = np.arange(len(values))
        uniques: pd.Series | pd.Index = values.reset_index(drop=True)
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parser = _UniqueParser(
        pd.Series(uniques, dtype="str"),
        dayfirst=dayfirst,
        reference=reference,
        column=column,
        strict=strict,
        use_dateparser=use_dateparser,
    )
    parser.run()
    # Code -1 (missing) indexes the extra slot at the end.
    u_micros = np.append(parser.micros, NAT)
    u_status = np.append(parser.status, MISSING)
    return DateParseResult(
        micros=u_micros[codes],
        status=u_status[codes],
        dayfirst=parser.dayfirst_used,
        relative=parser.relative,
        notes=parser.notes,
    )


def _mostly_distinct(values: pd.Series, threshold: int = 50_000) -> bool:
    """Whether a large column is mostly distinct values (judged on its head)."""
    if len(values) < threshold:
        return False
    head = values.iloc[:10_000]
    return head.nunique(dropna=True) > 0.5 * len(head)


def _from_datetimes(values: pd.Series, column: str) -> DateParseResult:
    notes: list[str] = []
    series = values
    if getattr(series.dt, "tz", None) is None:
        notes.append(f"the times in {column!r} have no time zone; they were taken as UTC.")
    else:
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    micros = series.to_numpy(dtype="datetime64[us]").view("int64").copy()
    status = np.where(micros == NAT, MISSING, OK)
    micros, status = _plausible(micros, status)
    return DateParseResult(micros, status, notes=notes)


def _from_epochs(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unix epochs to microseconds; the unit follows the size of each number."""
    micros = np.full(len(numbers), NAT, dtype=np.int64)
    status = np.where(np.isnan(numbers), MISSING, UNREADABLE)
    size = np.abs(np.nan_to_num(numbers))
    factor = np.select([size < 1e11, size < 1e14, size < 1e17], [1e6, 1e3, 1.0], default=1e-3)
    ok = ~np.isnan(numbers) & (size >= 1e8)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.where(ok, numbers * factor, 0.0)
    ok &= np.abs(scaled) < 9e18
    micros[ok] = scaled[ok].astype(np.int64)
    status = np.where(ok, OK, status)
    return _plausible(micros, status)


def _plausible(micros: np.ndarray, status: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    bad = (status == OK) & ((micros < _EARLIEST_US) | (micros >= _LATEST_US))
    if bad.any():
        micros = micros.copy()
        micros[bad] = NAT
        status = np.where(bad, IMPLAUSIBLE, status)
    return micros, status


class _UniqueParser:
    """Parses the distinct values of one column, stage by stage."""

    def __init__(
        self,
        uniques: pd.Series,
        *,
        dayfirst: bool | None,
        reference: pd.Timestamp | None,
        column: str,
        strict: bool,
        use_dateparser: bool,
    ) -> None:
        self.text = uniques.str.strip()
        n = len(uniques)
        self.micros = np.full(n, NAT, dtype=np.int64)
        self.status = np.full(n, UNREADABLE, dtype=np.int64)
        missing = self.text.isna() | (self.text == "")
        self.status[missing.to_numpy(dtype=bool, na_value=True)] = MISSING
        self.dayfirst = dayfirst
        self.dayfirst_used: bool | None = None
        self.reference = reference
        self.column = column
        self.strict = strict
        self.use_dateparser = use_dateparser
        self.relative = False
        self.relative_noted = False
        self.notes: list[str] = []

    # -- helpers -----------------------------------------------------------
    def _todo(self) -> np.ndarray:
        return np.flatnonzero(self.status == UNREADABLE)

    def _set(self, index: np.ndarray, micros: np.ndarray) -> None:
        ok = micros != NAT
        index, micros = index[ok], micros[ok]
        self.micros[index] = micros
        self.status[index] = OK

    def run(self) -> None:
        todo = self._todo()
        if len(todo) == 0:
            return
        self._iso(todo, self.text)
        todo = self._todo()
        if len(todo):
            cleaned = self._strip_prefixes(todo)
            self._iso(todo, cleaned, normalise=True)
            self._epoch(todo, cleaned)
            self._day_month(todo, cleaned)
            self._one_by_one(todo, cleaned)
        self.micros, self.status = _plausible(self.micros, self.status)

    # -- stages ------------------------------------------------------------
    def _iso(self, todo: np.ndarray, text: pd.Series, normalise: bool = False) -> None:
        todo = todo[self.status[todo] == UNREADABLE]
        if len(todo) == 0:
            return
        subset = text.iloc[todo]
        if normalise:  # 2024/04/03 and 2024.04.03 are year-first too
            year_first = subset.str.contains(r"^\d{4}[-/.]\d", regex=True).fillna(False)
            todo = todo[year_first.to_numpy(dtype=bool)]
            if len(todo) == 0:
                return
            subset = text.iloc[todo].str.replace(_YEAR_FIRST, r"\1-\2-\3", regex=True)
        is_iso = subset.str.contains(_ISO, regex=True).fillna(False).to_numpy(dtype=bool)
        if is_iso.any():
            iso_text = subset[is_iso]
            parsed = pd.to_datetime(iso_text, format="ISO8601", utc=True, errors="coerce")
            if parsed.isna().any():
                retry = parsed.isna().to_numpy()
                fixed = iso_text[retry].str.replace(_ZONE_WORD, "+00:00", regex=True)
                parsed[retry] = pd.to_datetime(fixed, format="ISO8601", utc=True, errors="coerce")
            self._set(todo[is_iso], _micros_of(parsed))
            self._note_naive(iso_text[parsed.notna().to_numpy()])
        basic = subset.str.fullmatch(_ISO_BASIC).fillna(False).to_numpy(dtype=bool) & ~is_iso
        if basic.any():
            parsed = pd.to_datetime(subset[basic], format="%Y%m%d", utc=True, errors="coerce")
            self._set(todo[basic], _micros_of(parsed))

    def _note_naive(self, parsed_text: pd.Series) -> None:
        if "utc" in self.column.casefold() or len(parsed_text) == 0:
            return
        sample = parsed_text.iloc[:1000]
        naive = sample.str.contains(_NAIVE_TIME, regex=True).fillna(False)
        if naive.any():
            self._add_note(
                f"the times in {self.column!r} have no UTC offset; they were taken as UTC."
            )

    def _add_note(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)

    def _strip_prefixes(self, todo: np.ndarray) -> pd.Series:
        """The texts with labels such as 'Datum der Erfahrung:' or 'Updated' removed."""
        cleaned = self.text.copy()
        subset = self.text.iloc[todo]
        # Only values that do not start with a digit can carry a prefix.
        prefixed = subset.str.contains(r"^\D", regex=True).fillna(False).to_numpy(dtype=bool)
        if not prefixed.any():
            return cleaned
        subset = subset[prefixed]
        for example in subset.iloc[:1000].tolist():
            match = _PREFIX.match(example)
            if match and match.group("label") and _EXPERIENCE.search(match.group("label")):
                self._add_note(
                    f"the dates in {self.column!r} are dates of experience (e.g. {example!r}), "
                    "not publication dates; the score counts reviews by publication date, so "
                    "treat the timing with care."
                )
                break
        stripped = pd.Series(
            pc.utf8_trim_whitespace(pc.replace_substring_regex(_arrow(subset), _PREFIX_RE2, "")),
            dtype="str",
            index=subset.index,
        )
        # The values carry the target rows' own index, so aligning or not gives the same.
        cleaned.iloc[todo[prefixed].tolist()] = stripped.set_axis(
            cleaned.index[todo[prefixed]])
        return cleaned

    def _epoch(self, todo: np.ndarray, text: pd.Series) -> None:
        todo = todo[self.status[todo] == UNREADABLE]
        if len(todo) == 0:
            return
        subset = text.iloc[todo]
        is_epoch = subset.str.fullmatch(_EPOCH).fillna(False).to_numpy(dtype=bool)
        if is_epoch.any():
            numbers = pd.to_numeric(subset[is_epoch], errors="coerce").to_numpy(
                dtype="float64", na_value=np.nan
            )
            micros, status = _from_epochs(numbers)
            index = todo[is_epoch]
            self.micros[index] = micros
            self.status[index] = np.where(status == MISSING, UNREADABLE, status)

    def _day_month(self, todo: np.ndarray, text: pd.Series) -> None:
        todo = todo[self.status[todo] == UNREADABLE]
        if len(todo) == 0:
            return
        groups = pc.extract_regex(_arrow(text.iloc[todo]), _DMY)
        found = groups.is_valid().to_numpy(zero_copy_only=False)
        if not found.any():
            return
        index = todo[found]
        parts = {
            name: groups.field(name).filter(pa.array(found))
            for name in ("first", "second", "year", "hour", "minute", "sec", "frac", "ampm")
        }
        first = _ints(parts["first"])
        second = _ints(parts["second"])
        year = _ints(parts["year"])
        short = pc.utf8_length(parts["year"]).to_numpy() == 2
        year = np.where(short, np.where(year < 70, 2000 + year, 1900 + year), year)
        day_evidence = (first > 12) & (first <= 31) & (second <= 12)
        month_evidence = (second > 12) & (second <= 31) & (first <= 12)
        ambiguous = (first <= 12) & (second <= 12) & (first != second)
        dayfirst = self.dayfirst
        examples = text.iloc[index]
        if dayfirst is None:
            if day_evidence.any() and not month_evidence.any():
                dayfirst = True
                self._add_note(
                    f"{self.column!r}: day-first dates detected (e.g. "
                    f"{examples[day_evidence].iloc[0]!r}); pass dayfirst=False if that is wrong."
                )
            elif month_evidence.any() and not day_evidence.any():
                dayfirst = False
                self._add_note(
                    f"{self.column!r}: month-first dates detected (e.g. "
                    f"{examples[month_evidence].iloc[0]!r}); pass dayfirst=True if that is "
                    "wrong."
                )
            elif month_evidence.any() and day_evidence.any():
                if self.strict:
                    raise ReviewDataError(
                        f"the dates in {self.column!r} mix day-first "
                        f"({examples[day_evidence].iloc[0]!r}) and month-first "
                        f"({examples[month_evidence].iloc[0]!r}) order. Pass dayfirst=True "
                        "(DD/MM/YYYY) or dayfirst=False (MM/DD/YYYY); dates that do not fit "
                        "that order are rejected.",
                        option="dayfirst",
                    )
                self.status[index[ambiguous | day_evidence | month_evidence]] = AMBIGUOUS
                keep = ~(ambiguous | day_evidence | month_evidence)
                index, first, second, year = _keep(keep, index, first, second, year)
                parts = {k: v.filter(pa.array(keep)) for k, v in parts.items()}
            elif ambiguous.any():
                if self.strict:
                    example = examples[ambiguous].iloc[0]
                    raise ReviewDataError(
                        f"the dates in {self.column!r} (e.g. {example!r}) can be read day-first "
                        "or month-first, and no value settles it. Pass dayfirst=True if "
                        f"{example!r} is day/month/year (DD/MM/YYYY), or dayfirst=False if it "
                        "is month/day/year (MM/DD/YYYY).",
                        option="dayfirst",
                    )
                self.status[index[ambiguous]] = AMBIGUOUS
                index, first, second, year = _keep(~ambiguous, index, first, second, year)
                parts = {k: v.filter(pa.array(~ambiguous)) for k, v in parts.items()}
        if len(index) == 0:
            return
        if dayfirst is not None:
            self.dayfirst_used = dayfirst
        day, month = (first, second) if dayfirst or dayfirst is None else (second, first)
        hour = _ints(parts["hour"])
        minute = _ints(parts["minute"])
        second_ = _ints(parts["sec"])
        micro = _ints(pc.utf8_slice_codeunits(pc.utf8_rpad(parts["frac"], 6, "0"), 0, 6))
        am_pm = pc.replace_substring(pc.utf8_lower(parts["ampm"]), ".", "")
        am_pm = am_pm.to_numpy(zero_copy_only=False)
        bad_clock = ((am_pm != "") & ((hour < 1) | (hour > 12))) | (hour > 23) | (minute > 59)
        hour = np.where((am_pm == "pm") & (hour < 12), hour + 12, hour)
        hour = np.where((am_pm == "am") & (hour == 12), 0, hour)
        stamps = pd.to_datetime(
            pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
        )
        micros = stamps.to_numpy(dtype="datetime64[us]").view("int64").copy()
        valid = (micros != NAT) & ~bad_clock & (second_ <= 59)
        micros = np.where(
            valid,
            micros + ((hour * 60 + minute) * 60 + second_) * 1_000_000 + micro,
            NAT,
        )
        self._set(index, micros)

    def _one_by_one(self, todo: np.ndarray, text: pd.Series) -> None:
        todo = todo[self.status[todo] == UNREADABLE]
        leftovers: list[int] = []
        for i, value in zip(todo.tolist(), text.iloc[todo].tolist(), strict=True):
            value = str(value).casefold()
            relative = _relative_offset(value)
            if relative is not None:
                self._resolve_relative(i, relative, str(self.text.iloc[i]))
                continue
            stamp = _month_name_date(value)
            if stamp is not None:
                self.micros[i] = stamp
                self.status[i] = OK
                continue
            leftovers.append(i)
        if leftovers and self.use_dateparser:
            self._dateparser(leftovers, text)

    def _resolve_relative(self, i: int, offset: tuple[int, str], original: str) -> None:
        self.relative = True
        if self.reference is None:
            if self.strict:
                raise ReviewDataError(
                    f"the dates in {self.column!r} are relative (e.g. {original!r}): they "
                    "count back from the day the file was made, which it does not say. Pass "
                    f"reference_date= that day (e.g. reference_date='{today_example()}' if it "
                    "was made today); relative dates are only as precise as their unit "
                    "('a year ago').",
                    option="reference_date",
                )
            self.status[i] = NEEDS_REFERENCE
            return
        amount, unit = offset
        try:
            if unit in ("months", "years"):
                stamp = self.reference - (pd.DateOffset(months=amount) if unit == "months"
                                          else pd.DateOffset(years=amount))
            else:
                stamp = self.reference - pd.Timedelta(amount, unit=_TIMEDELTA_UNITS[unit])
        except (OverflowError, ValueError):  # "3000000 years ago"
            self.status[i] = IMPLAUSIBLE
            return
        micros = _stamp_micros(stamp)
        if micros is None:
            self.status[i] = IMPLAUSIBLE
            return
        self.micros[i] = micros
        self.status[i] = OK
        if not self.relative_noted:
            self.relative_noted = True
            self._add_note(
                f"relative dates in {self.column!r} (e.g. {original!r}) were counted back from "
                f"{self.reference:%Y-%m-%d}; they are only as precise as their unit."
            )

    def _dateparser(self, leftovers: list[int], text: pd.Series) -> None:
        candidates = [
            i
            for i in leftovers
            if re.search(r"[^\W\d_]", str(text.iloc[i]))
            and re.search(r"\d", str(text.iloc[i]))
            and len(str(text.iloc[i])) <= 80
        ]
        if not candidates:
            return
        import dateparser  # slow to import; only needed for unusual formats

        order = None if self.dayfirst is None else ("DMY" if self.dayfirst else "MDY")
        languages = ["en", "de", "fr", "nl", "es"]

        def parse(value: str, base: dt.datetime) -> pd.Timestamp | None:
            settings: dict[str, Any] = {
                "RELATIVE_BASE": base,
                "RETURN_AS_TIMEZONE_AWARE": True,
                "TO_TIMEZONE": "UTC",
                "REQUIRE_PARTS": ["day", "month", "year"],
            }
            if order:
                settings["DATE_ORDER"] = order
            try:
                result = dateparser.parse(value, languages=languages, settings=settings)
            except Exception:  # dateparser raises assorted errors on odd input
                return None
            return None if result is None else pd.Timestamp(result).tz_convert("UTC")

        # Unusual formats are rare; a column of thousands of unreadable values is
        # not a date column, so give up after a sample finds nothing.
        tried = 0
        found = 0
        for i in candidates:
            if tried >= 50 and found == 0:
                break
            tried += 1
            value = str(text.iloc[i])
            first = parse(value, dt.datetime(2000, 6, 15))
            if first is None:
                continue
            found += 1
            second = parse(value, dt.datetime(2010, 6, 15))
            if second is not None and second != first:
                offset_days = (pd.Timestamp("2000-06-15", tz="UTC") - first).days
                self._resolve_relative(i, (offset_days, "days"), str(self.text.iloc[i]))
                continue
            micros = _stamp_micros(first)
            if micros is not None:
                self.micros[i] = micros
                self.status[i] = OK


def _stamp_micros(stamp: pd.Timestamp) -> int | None:
    """Microseconds since the epoch, or ``None`` outside 1900..2200 (not a review date)."""
    if not 1900 <= stamp.year <= 2200:
        return None
    return int(stamp.tz_convert("UTC").tz_localize(None).asm8.astype("datetime64[us]").view("i8"))


def _keep(mask: np.ndarray, *arrays: Any) -> tuple[Any, ...]:
    return tuple(a[mask] for a in arrays)


def _arrow(text: pd.Series) -> pa.Array:
    """A text Series as an Arrow string array (no copy when already Arrow-backed)."""
    try:
        array = pa.array(text.array)
    except (TypeError, ValueError, pa.ArrowException):
        values = text.astype(object).where(text.notna(), None).to_numpy()
        array = pa.array(values, type=pa.large_string())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array


def _ints(digits: pa.Array) -> np.ndarray:
    """Digit strings as int64 (empty or missing -> 0)."""
    filled = pc.if_else(pc.equal(pc.fill_null(digits, ""), ""), "0", pc.fill_null(digits, "0"))
    return pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False)


def _micros_of(parsed: pd.Series) -> np.ndarray:
    naive = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return naive.to_numpy(dtype="datetime64[us]").view("int64").copy()


def _relative_offset(value: str) -> tuple[int, str] | None:
    """``'3 years ago'`` -> ``(3, 'years')``; ``None`` when not a relative date."""
    value = " ".join(value.replace("\u00a0", " ").split())
    if value in _RELATIVE_DAYS:
        return _RELATIVE_DAYS[value], "days"
    for pattern in _RELATIVE:
        match = pattern.match(value)
        if match:
            amount_text, unit_word = match.group(1), match.group(2)
            amount = int(amount_text) if amount_text.isdigit() else 1
            return amount, _UNIT_WORDS[unit_word]
    return None


def _month_name_date(value: str) -> int | None:
    """Microseconds for dates written with a month name, else ``None``."""
    month = year = day = None
    hour = minute = second = 0
    am_pm = None
    for token in _TOKEN.findall(value.replace(",", " ")):
        if ":" in token or re.fullmatch(r"\d{1,2}h\d{2}", token):
            pieces = re.split(r"[:h]", token)
            hour, minute = int(pieces[0]), int(pieces[1])
            second = int(float(pieces[2])) if len(pieces) > 2 else 0
            continue
        number = re.match(r"\d+", token)  # not str.isdigit: '²' is a digit to it, not to \d
        if number is not None:
            digits = number.group(0)
            if len(digits) == 4 and year is None:
                year = int(digits)
            elif len(digits) <= 2 and day is None:
                day = int(digits)
            else:
                return None
            continue
        word = token.rstrip(".")
        if word in MONTHS and month is None:
            month = MONTHS[word]
        elif word in _AM_PM:
            am_pm = _AM_PM[word]
        elif word not in _FILLERS:
            return None
    if month is None or year is None or day is None:
        return None
    if am_pm == "pm" and hour < 12:
        hour += 12
    elif am_pm == "am" and hour == 12:
        hour = 0
    if not 1900 <= year <= 2200:
        return None
    try:
        stamp = pd.Timestamp(
            year=year, month=month, day=day, hour=hour, minute=minute, second=second, tz="UTC"
        )
    except ValueError:
        return None
    return _stamp_micros(stamp)


def date_share(
    values: pd.Series, sample: int = 200, *, use_dateparser: bool = False
) -> tuple[float, int]:
    """How date-like a column is: the share of its first ``sample`` distinct
    non-empty values that read as dates (ambiguous and relative ones count), and how
    many were sampled. Never raises for ambiguity or missing reference dates.
    """
    head = values.iloc[: sample * 20]
    if pd.api.types.is_datetime64_any_dtype(head.dtype):
        n = int(head.notna().sum())
        return (1.0 if n else 0.0), n
    if pd.api.types.is_bool_dtype(head.dtype):
        return 0.0, int(head.notna().sum())
    if pd.api.types.is_numeric_dtype(head.dtype):
        head = head.dropna().iloc[:sample]
    else:
        text = head.astype("str").str.strip()
        uniques = pd.unique(text[text.notna() & (text != "")])[:sample]
        head = pd.Series(uniques, dtype="str")
    result = parse_dates(
        head,
        reference_date="2020-01-01",
        strict=False,
        use_dateparser=use_dateparser,
    )
    counted = result.status != MISSING
    n = int(counted.sum())
    if n == 0:
        return 0.0, 0
    good = np.isin(result.status, (OK, AMBIGUOUS, NEEDS_REFERENCE))
    return float(good.sum()) / n, n
