"""Stage 2, normalise: raw tables -> one frame of canonical alert rows, plus the accounting.

Canonical fields (SPEC section 2): alert_id, mailbox, regarding_type, owner, level, text, details,
created_on, last_update_on, source, row. Every raw row ends up analysed, a duplicate, or rejected
with a reason: rows read = rows analysed + duplicates + rows rejected.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .columns import ColumnMapping, map_columns
from .errors import UsageError
from .read import RawTable

CANONICAL = (
    "alert_id", "mailbox", "regarding_type", "owner", "level", "text", "details", "created_on", "last_update_on",
    "source", "row",
)

LEVEL_LABELS = {
    "error": "error", "3": "error", "fehler": "error", "erreur": "error", "errore": "error", "fout": "error",
    "błąd": "error", "fel": "error", "erro": "error", "エラー": "error", "错误": "error",
    "warning": "warning", "2": "warning", "warnung": "warning", "avertissement": "warning",
    "advertencia": "warning", "avviso": "warning", "waarschuwing": "warning", "ostrzeżenie": "warning",
    "varning": "warning", "aviso": "warning", "警告": "warning",
    "information": "information", "1": "information", "informationen": "information", "info": "information",
    "información": "information", "informazioni": "information", "informatie": "information",
    "informacja": "information", "informacje": "information", "informação": "information",
    "informações": "information", "情報": "information", "信息": "information",
    "informationsmeddelande": "information", "advertência": "warning", "błędy": "error",
    "informational": "information",
}

REGARDING_TYPES = {"mailbox": "mailbox", "emailserverprofile": "emailserverprofile",
                   "email server profile": "emailserverprofile", "postfach": "mailbox",
                   "e-mail-serverprofil": "emailserverprofile", "9606": "mailbox", "9605": "emailserverprofile"}


@dataclass
class InputSummary:
    path: str
    format: str
    rows_read: int
    sheet: str
    encoding: str
    delimiter: str
    columns: list[dict[str, str]]
    date_order: str
    notes: list[str] = field(default_factory=list)
    empty_rows: int = 0  # rows with every cell empty, skipped (not counted as read)


@dataclass
class Normalised:
    alerts: pd.DataFrame  # canonical rows, analysed
    rejected: pd.DataFrame  # source, row, reason
    duplicates: int
    rows_read: int
    inputs: list[InputSummary]
    timezone: str


def _strings(frame: pd.DataFrame, mapping: ColumnMapping, role: str) -> pd.Series:
    """A role's column as stripped text ('' where empty). Work is done once per distinct value:
    exports repeat the same texts, names and labels many times."""
    column = mapping.columns.get(role)
    if column is None:
        return pd.Series("", index=frame.index, dtype=object)
    codes, uniques = pd.factorize(frame[column].to_numpy(dtype=object), use_na_sentinel=True)
    cleaned = np.array([_clean(value) for value in uniques] + [""], dtype=object)
    return pd.Series(cleaned[codes], index=frame.index, dtype=object)


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value: object) -> str:
    """One distinct cell value as text: integral floats without '.0' (Excel numbers), control
    characters (NUL, ESC, ...) dropped so no output or terminal can be driven by input text."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _CONTROL_CHARACTERS.sub("", str(value)).strip()


def _alert_ids(frame: pd.DataFrame, mapping: ColumnMapping) -> pd.Series:
    """Record GUIDs, lower-case without braces. Every value is distinct, so no per-value work."""
    column = mapping.columns.get("alert_id")
    if column is None:
        return pd.Series("", index=frame.index, dtype=object)
    values = frame[column]
    ids = values.astype(object).where(values.notna(), "").astype(str).str.strip().str.lower().str.strip("{}")
    return ids.astype(object)


def _is_blank(values: pd.Series) -> pd.Series:
    return values.isna() | values.astype(object).eq("")


_DATE_PREFIX = re.compile(r"^\s*(\d{1,2})([./-])(\d{1,2})\2(\d{2,4})")


def decide_day_first(strings: pd.Series, dayfirst: bool | None) -> tuple[bool, str]:
    """Day/month order for a whole column: a first part > 12 settles it (SPEC section 2)."""
    if dayfirst is not None:
        return dayfirst, "day first (option)" if dayfirst else "month first (option)"
    parts = strings.str.extract(_DATE_PREFIX)
    parts = parts.dropna()
    if parts.empty:
        return False, ""
    first, second = parts[0].astype(int), parts[2].astype(int)
    # Only values valid in exactly one order are evidence; "31/31/2026" is no date at all.
    day_first_votes = int(((first > 12) & (first <= 31) & (second <= 12)).sum())
    month_first_votes = int(((second > 12) & (second <= 31) & (first <= 12)).sum())
    if day_first_votes and month_first_votes:
        chosen = day_first_votes > month_first_votes
        return chosen, (f"{'day' if chosen else 'month'} first (the majority: {max(day_first_votes, month_first_votes)}"
                        f" values against {min(day_first_votes, month_first_votes)}; use --dayfirst/--monthfirst)")
    if day_first_votes:
        return True, "day first (a value has a first part over 12)"
    if month_first_votes:
        return False, "month first (a value has a second part over 12)"
    if (parts[1] == ".").all():
        return True, "day first (dotted dates, no value settles it)"
    return False, "month first (no value settles it; use --dayfirst if wrong)"


# Dates outside this range are typos or hostile values; they would overflow the measures.
EARLIEST, LATEST = pd.Timestamp("1990-01-01"), pd.Timestamp("2100-01-01")


def _in_range(parsed: pd.Series) -> pd.Series:
    """Parsed dates as datetime64[ns]; NaT where outside EARLIEST..LATEST."""
    parsed = parsed.astype("datetime64[us]")
    parsed = parsed.where((parsed >= EARLIEST) & (parsed < LATEST))
    return parsed.astype("datetime64[ns]")


def _date_formats(day_first: bool) -> list[str]:
    formats = []
    for separator in ("/", ".", "-"):
        day_month = f"%d{separator}%m{separator}%Y" if day_first else f"%m{separator}%d{separator}%Y"
        for time in (" %I:%M %p", " %I:%M:%S %p", " %H:%M", " %H:%M:%S", ""):
            formats.append(day_month + time)
    return formats


def parse_datetimes(values: pd.Series, dayfirst: bool | None, tz: str | None) -> tuple[pd.Series, str]:
    """Cells of any date shape -> naive datetimes in the export's (or --tz) time zone; NaT where unparseable."""
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("datetime", "datetime64", "date"):
        # Excel date cells arrive as datetime objects: convert the whole column at once.
        return _in_range(pd.to_datetime(values, errors="coerce")).dt.round("s"), ""
    present = values.notna() & (values.astype(str).str.strip() != "")
    if not present.any():
        return result, ""
    numbers = pd.to_numeric(values.where(present), errors="coerce")
    serial = numbers.between(1, 2_958_465)  # Excel serial day numbers (1900-01-01 .. 9999-12-31)
    serial &= numbers.between(32874, 73051)  # Excel serials of 1990-01-01 .. 2100-01-01
    if serial.any():
        result[serial] = pd.to_datetime(numbers[serial], unit="D", origin="1899-12-30").dt.round("s")
    strings = values[present & ~serial].astype(str).str.strip()
    day_first, order = decide_day_first(strings, dayfirst)
    aware = strings.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True)
    if aware.any():
        order = f"ISO with time zone, converted to {tz or 'UTC'}"
        parsed = pd.to_datetime(strings[aware], format="ISO8601", errors="coerce", utc=True)
        parsed = _in_range(parsed.dt.tz_convert(tz or "UTC").dt.tz_localize(None))
        result[parsed.index] = parsed
    remaining = strings[~aware]
    iso = _in_range(pd.to_datetime(remaining.where(remaining.str.match(r"^\d{4}-\d\d-\d\d")),
                                   format="ISO8601", errors="coerce"))
    result[iso.dropna().index] = iso.dropna()
    remaining = remaining[iso.isna()]
    for date_format in _date_formats(day_first):
        if remaining.empty:
            break
        parsed = _in_range(pd.to_datetime(remaining, format=date_format, errors="coerce"))
        hit = parsed.dropna()
        result[hit.index] = hit
        remaining = remaining[parsed.isna()]
    return result, order


def _levels(raw: pd.Series) -> pd.Series:
    keys = raw.str.lower().str.strip().str.replace(r"\.0$", "", regex=True)
    return keys.map(LEVEL_LABELS).fillna("unknown")


def _regarding_types(raw: pd.Series, has_column: bool) -> pd.Series:
    if not has_column:
        return pd.Series("unknown", index=raw.index, dtype=object)
    return raw.str.lower().map(REGARDING_TYPES).fillna("unknown")


def normalise_table(table: RawTable, overrides: dict[str, str] | None, dayfirst: bool | None,
                    tz: str | None) -> tuple[pd.DataFrame, pd.DataFrame, InputSummary]:
    """One raw table -> (canonical rows incl. rejected ones marked, rejected rows, input summary)."""
    frame = table.frame
    mapping = map_columns(frame, table.source, overrides)
    # Rows with every cell empty are spreadsheet formatting, not alerts: skipped before counting.
    # Only rows without text are candidates, so the full check runs on few rows.
    candidates = frame[_is_blank(frame[mapping.columns["text"]])]
    empty = (candidates.isna() | candidates.eq("")).all(axis=1)
    skipped = int(empty.sum())
    if skipped:
        frame = frame.drop(index=empty[empty].index)
        table.notes.append(f"{skipped:,} empty row{'s' if skipped != 1 else ''} skipped (not counted as read)")
    created, order = parse_datetimes(frame[mapping.columns["created_on"]], dayfirst, tz)
    if "last_update_on" in mapping.columns:
        updated, _ = parse_datetimes(frame[mapping.columns["last_update_on"]], dayfirst, tz)
        updated_blank = _is_blank(frame[mapping.columns["last_update_on"]])
    else:
        updated = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        updated_blank = pd.Series(True, index=frame.index)
    canonical = pd.DataFrame({
        "alert_id": _alert_ids(frame, mapping),
        "mailbox": _strings(frame, mapping, "mailbox"),
        "regarding_type": _regarding_types(_strings(frame, mapping, "regarding_type"),
                                           "regarding_type" in mapping.columns),
        "owner": _strings(frame, mapping, "owner"),
        "level": _levels(_strings(frame, mapping, "level")),
        "text": _strings(frame, mapping, "text"),
        "details": _strings(frame, mapping, "details"),
        "created_on": created,
        "last_update_on": updated.fillna(created),
        "source": table.source,
        "row": frame.index + 1,  # the data row in the file, counted before empty rows were skipped
    }, index=frame.index)
    # A later Last Update On before Created On is a clock or export glitch: the episode is the instant.
    canonical["last_update_on"] = canonical[["created_on", "last_update_on"]].max(axis=1)
    created_column = frame[mapping.columns["created_on"]]
    reason = pd.Series("", index=frame.index, dtype=object)
    reason[(canonical["text"] == "") & (canonical["details"] == "")] = "no alert text"
    reason[(reason == "") & _is_blank(created_column)] = "missing Created On"
    reason[(reason == "") & canonical["created_on"].isna()] = "unparseable Created On"
    reason[(reason == "") & updated.isna() & ~updated_blank] = "unparseable Last Update On"
    rejected_mask = reason != ""
    rejected = pd.DataFrame({"source": table.source, "row": canonical["row"][rejected_mask],
                             "reason": reason[rejected_mask],
                             "text": canonical["text"][rejected_mask].str.slice(0, 200),
                             "created_on": created_column[rejected_mask].astype(str)})
    summary = InputSummary(
        path=table.source, format=table.format, rows_read=len(frame), sheet=table.sheet, encoding=table.encoding,
        delimiter=table.delimiter, columns=mapping.as_list(), date_order=order, notes=list(table.notes),
        empty_rows=skipped,
    )
    return canonical[~rejected_mask], rejected, summary


def drop_duplicates(alerts: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Same alert id: keep the latest Last Update On. No id: identical canonical rows are one."""
    ordered = alerts.sort_values(["last_update_on", "source", "row"], ascending=[False, True, True], kind="stable")
    has_id = ordered["alert_id"] != ""
    dup_by_id = has_id & ordered.duplicated("alert_id")
    content = [c for c in CANONICAL if c not in ("source", "row")]
    dup_by_content = ~has_id & ordered.duplicated(content)
    duplicate = dup_by_id | dup_by_content
    kept = ordered[~duplicate].sort_values(["source", "row"], kind="stable")
    return kept.reset_index(drop=True), int(duplicate.sum())


def normalise(tables: list[RawTable], overrides: dict[str, str] | None = None, dayfirst: bool | None = None,
              tz: str | None = None) -> Normalised:
    if tz:
        try:
            pd.Timestamp("2026-01-01", tz=tz)
        except Exception:
            raise UsageError(f"--tz {tz}: unknown time zone; use an IANA name such as Europe/Berlin") from None
    parts, rejected_parts, inputs = [], [], []
    for table in tables:
        alerts, rejected, summary = normalise_table(table, overrides, dayfirst, tz)
        parts.append(alerts)
        rejected_parts.append(rejected)
        inputs.append(summary)
    alerts = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(CANONICAL))
    alerts = alerts[list(CANONICAL)]
    alerts, duplicates = drop_duplicates(alerts)
    rejected = pd.concat(rejected_parts, ignore_index=True) if rejected_parts else pd.DataFrame(
        columns=["source", "row", "reason", "text", "created_on"])
    converted = [i.date_order.startswith("ISO with time zone") for i in inputs if i.rows_read]
    if tz:
        timezone = tz
    elif any(converted) and not all(converted):
        # Web API dates are UTC, spreadsheet dates are the exporting user's local time.
        timezone = ("mixed: UTC for the inputs whose dates carry a time zone, local time for the others; "
                    "give --tz so they agree")
    elif any(converted):
        timezone = "UTC (the export's dates carry a time zone; use --tz to show local time)"
    else:
        timezone = "as exported (local time of the exporting user)"
    return Normalised(alerts=alerts, rejected=rejected, duplicates=duplicates,
                      rows_read=sum(i.rows_read for i in inputs), inputs=inputs, timezone=timezone)
