"""The library entry point: ``analyse(paths, ...)`` runs read -> normalise -> classify -> measure
and returns plain data (the JSON summary) plus the tables the side outputs are written from."""
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__
from .catalogue import Catalogue, load_catalogue
from .classify import classify
from .errors import UsageError
from .measure import Measures, measure
from .normalise import Normalised, normalise
from .read import expand_inputs, read_file
from .summary import build_summary


@dataclass
class Options:
    transient_hours: float = 2.0
    rank_by: str = "alerts"
    top: int = 50
    since: str | None = None
    until: str | None = None
    month: str | None = None
    tz: str | None = None
    dayfirst: bool | None = None
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    catalogues: list[Path] = field(default_factory=list)
    now: str | None = None

    def as_dict(self) -> dict:
        return {
            "transient_hours": self.transient_hours, "rank_by": self.rank_by, "top": self.top,
            "since": self.since, "until": self.until, "month": self.month, "tz": self.tz,
            "dayfirst": self.dayfirst, "sheet": self.sheet, "columns": self.columns,
            "catalogues": [str(p) for p in self.catalogues],
        }


@dataclass
class Analysis:
    summary: dict  # plain data, exactly the --json document
    classified: pd.DataFrame  # one row per analysed alert (for --classified)
    rejected: pd.DataFrame  # source, row, reason (for --rejects)
    measures: Measures
    catalogue: Catalogue
    options: Options


def _parse_bound(value: str, option: str, tz: str | None = None) -> pd.Timestamp:
    try:
        bound = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        raise UsageError(f"{option} {value}: not a date; use YYYY-MM-DD or 'YYYY-MM-DD HH:MM'") from None
    if bound is pd.NaT or pd.isna(bound):
        raise UsageError(f"{option} {value}: not a date; use YYYY-MM-DD or 'YYYY-MM-DD HH:MM'")
    if bound.tzinfo is not None:  # an explicit offset: express it in the report's time zone
        bound = bound.tz_convert(tz or "UTC").tz_localize(None)
    if not pd.Timestamp("1990-01-01") <= bound <= pd.Timestamp("2100-01-01"):
        raise UsageError(f"{option} {value}: outside 1990-2100")
    return bound


def resolve_period(options: Options) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    since = _parse_bound(options.since, "--since", options.tz) if options.since else None
    until = _parse_bound(options.until, "--until", options.tz) if options.until else None
    if options.month:
        if since is not None or until is not None:
            raise UsageError("--month cannot be combined with --since/--until; use one or the other")
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", options.month):
            raise UsageError(f"--month {options.month}: use YYYY-MM with a month 01-12, for example 2026-11")
        since = pd.Timestamp(options.month + "-01")
        until = since + pd.offsets.MonthBegin(1)
    if since is not None and until is not None and until <= since:
        raise UsageError("--until must be after --since")
    return since, until


def generated_at(options: Options) -> str:
    """The report's generated-at time: --now, else SOURCE_DATE_EPOCH, else the clock."""
    if options.now:
        return _parse_bound(options.now, "--now").isoformat()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None).isoformat()
        except (OverflowError, OSError, ValueError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch}: not a valid time (seconds since 1970)") from None
    return dt.datetime.now().replace(microsecond=0).isoformat()


def _filter_period(data: Normalised, since: pd.Timestamp | None, until: pd.Timestamp | None) -> Normalised:
    """Alerts whose episode lies outside the period become rejected rows (the accounting stays whole)."""
    if since is None and until is None:
        return data
    alerts = data.alerts
    outside = pd.Series(False, index=alerts.index)
    if since is not None:
        outside |= alerts["last_update_on"] < since
    if until is not None:
        outside |= alerts["created_on"] >= until
    moved = alerts[outside]
    rejected = pd.concat([data.rejected, pd.DataFrame({
        "source": moved["source"], "row": moved["row"], "reason": "outside the period",
        "text": moved["text"].str.slice(0, 200), "created_on": moved["created_on"].astype(str)})],
        ignore_index=True)
    kept = alerts[~outside]
    return Normalised(kept.reset_index(drop=True), rejected, data.duplicates, data.rows_read, data.inputs,
                      data.timezone)


def analyse(paths: list[str | Path], options: Options | None = None,
            progress: Callable[[int, int, str], None] | None = None) -> Analysis:
    """Analyse export files/folders. Raises AnalyzerError subclasses for problems the user can fix.

    ``progress(step, steps, what)`` is called as each stage starts (the CLI shows it on a terminal).
    """
    options = options or Options()
    report = progress or (lambda step, steps, what: None)
    if options.rank_by not in ("alerts", "persistence", "priority"):
        raise UsageError(f"--rank-by {options.rank_by}: expected alerts, persistence or priority")
    if not 0 < options.transient_hours < float("inf"):  # also refuses NaN
        raise UsageError("--transient-hours must be a number of hours more than 0")
    catalogue = load_catalogue(options.catalogues)
    since, until = resolve_period(options)
    files = expand_inputs(paths)
    steps = len(files) + 3
    tables = []
    for number, path in enumerate(files, start=1):
        report(number, steps, f"reading {path.name}")
        tables.append(read_file(path, options.sheet))
    report(len(files) + 1, steps, f"normalising {sum(t.rows_read for t in tables):,} rows")
    data = normalise(tables, options.columns, options.dayfirst, options.tz)
    data = _filter_period(data, since, until)
    report(len(files) + 2, steps, "classifying")
    classified = classify(data.alerts, catalogue)
    report(len(files) + 3, steps, "measuring")
    if len(classified):
        period_start = since if since is not None else classified["created_on"].min()
        period_end = until if until is not None else classified["last_update_on"].max()
    else:
        period_start, period_end = since, until
    within_period = classified
    if since is not None or until is not None:
        # Measures count only the part of each episode inside the period; the rows keep their times.
        within_period = classified.assign(created_on=classified["created_on"].clip(lower=since),
                                          last_update_on=classified["last_update_on"].clip(upper=until))
    measures = measure(within_period, period_end if period_end is not None else pd.Timestamp(0),
                       options.transient_hours, options.rank_by)
    # --until and --month ends are exclusive: show the last second inside the period.
    shown_end = period_end - pd.Timedelta(seconds=1) if until is not None and period_end is not None else period_end
    summary = build_summary(
        data=data, classified=classified, measures=measures, catalogue=catalogue, options=options,
        period=(period_start, shown_end), tool_version=__version__, generated=generated_at(options),
    )
    return Analysis(summary, classified, data.rejected, measures, catalogue, options)
