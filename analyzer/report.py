"""Stage 5b: the self-contained HTML report.

Builds a plain-data context from the summary and the measures (chart geometry included) and
renders the Jinja2 templates of reports/templates with autoescape on. No HTML is built here.
"""
from __future__ import annotations

import platform
from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd

from .measure import Measures

# Colour-blind-safe palette (Okabe-Ito), one per category, fixed so charts compare month to month.
CATEGORY_COLOURS = {
    "plug-in/workflow failure": "#D55E00",
    "transient service error": "#56B4E9",
    "invalid address": "#E69F00",
    "privileges": "#CC79A7",
    "licence": "#0072B2",
    "credentials/authentication": "#009E73",
    "approval": "#F0E442",
    "mailbox configuration": "#8C6D31",
    "connectivity": "#6A3D9A",
    "throttling/quota": "#B15928",
    "organisation conflict": "#A6761D",
    "item sync": "#1B9E77",
    "informational": "#BBBBBB",
    "unclassified": "#555555",
}


def _template_environment() -> jinja2.Environment:
    # Installed: the templates ship inside the package (pyproject maps reports/templates there).
    # Source checkout: they are at reports/templates beside the package.
    folder = Path(str(resources.files("analyzer").joinpath("report_templates")))
    if not (folder / "report.html").is_file():
        folder = Path(__file__).resolve().parent.parent / "reports" / "templates"
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=jinja2.select_autoescape(["html"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["when"] = _when
    environment.filters["day"] = _day
    environment.filters["hours"] = _hours
    environment.filters["thousands"] = lambda n: f"{int(n):,}"
    environment.filters["plural"] = lambda n, word: f"{int(n):,} {word}{'' if int(n) == 1 else 's'}"
    environment.filters["short"] = _short
    return environment


def _when(value: str | None) -> str:
    return "" if not value else value.replace("T", " ")[:16]


def _short(value: str | None) -> str:
    """Month-day hour:minute; the year is in the report's heading."""
    return "" if not value else value[5:16].replace("T", " ")


def _day(value: str | None) -> str:
    return "" if not value else value[:10]


def _hours(value: float) -> str:
    if value >= 48:
        return f"{value / 24:.1f} d"
    if value >= 1:
        return f"{value:.1f} h"
    return f"{value * 60:.0f} min"


def daily_chart(daily: pd.DataFrame, period_start: str | None, period_end: str | None) -> dict:
    """Stacked bars of alerts created per day, by category."""
    width, height, left, bottom, top = 860, 220, 44, 28, 12
    if daily.empty or not period_start or not period_end:
        return {"days": [], "bars": [], "legend": [], "width": width, "height": height}
    days = pd.date_range(pd.Timestamp(period_start).normalize(), pd.Timestamp(period_end).normalize(), freq="D")
    if len(days) > 400:
        days = days[-400:]
    table = daily.reindex(days, fill_value=0)
    categories = [c for c in CATEGORY_COLOURS if c in table.columns] + [
        c for c in table.columns if c not in CATEGORY_COLOURS]
    totals = table.sum(axis=1)
    peak = max(int(totals.max()), 1)
    plot_height = height - bottom - top
    step = (width - left - 8) / len(days)
    bars = []
    for index, (day, row) in enumerate(table.iterrows()):
        y = height - bottom
        segments = []
        for category in categories:
            count = int(row.get(category, 0))
            if not count:
                continue
            h = count / peak * plot_height
            y -= h
            segments.append({"category": category, "count": count, "y": round(y, 1), "height": round(h, 1),
                             "colour": CATEGORY_COLOURS.get(category, "#777777")})
        bars.append({"x": round(left + index * step + 1, 1), "width": round(max(step - 2, 1), 1),
                     "day": day.strftime("%Y-%m-%d"), "label": day.strftime("%d"), "total": int(totals[day]),
                     "segments": segments, "show_label": len(days) <= 40 or index % 7 == 0})
    step_value = _nice_step(peak)
    ticks = [{"value": value, "y": round(height - bottom - value / peak * plot_height, 1)}
             for value in range(0, peak + 1, step_value)]
    legend = [{"category": c, "colour": CATEGORY_COLOURS.get(c, "#777777"), "alerts": int(table[c].sum())}
              for c in categories]
    return {"width": width, "height": height, "left": left, "bottom": bottom, "bars": bars, "ticks": ticks,
            "legend": legend, "peak": peak}


def _nice_step(peak: int) -> int:
    """A round tick interval giving 2 to 5 ticks up to the peak: 1, 2, 5, 10, 20, 50, ..."""
    step = 1
    while peak / step > 5:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if peak / step <= 5:
                break
    return max(step, 1)


def mailbox_grid(mailbox_days: pd.DataFrame, mailboxes: list[dict], order: list[str], period_start: str | None,
                 period_end: str | None, rows: int = 20) -> dict:
    """Mailbox x day cells for the top mailboxes: was an episode open that day, how many alerts began."""
    if mailbox_days.empty or not period_start or not period_end:
        return {"rows": [], "days": []}
    days = pd.date_range(pd.Timestamp(period_start).normalize(), pd.Timestamp(period_end).normalize(), freq="D")
    if len(days) > 62:
        days = days[-62:]
    cell, label_width = 16, 190
    indexed = mailbox_days.set_index(["mailbox", "day"])
    by_name = {m["mailbox"]: m for m in mailboxes}
    grid_rows = []
    for position, mailbox in enumerate([by_name[name] for name in order if name in by_name][:rows]):
        cells = []
        for index, day in enumerate(days):
            key = (mailbox["mailbox"], day)
            alerts, active = (int(indexed.at[key, "alerts"]), bool(indexed.at[key, "active"])) if key in indexed.index \
                else (0, False)
            level = 0 if not active and not alerts else 1 if alerts == 0 else 2 if alerts <= 5 else 3 if alerts <= 20 else 4
            cells.append({"x": label_width + index * cell, "day": day.strftime("%Y-%m-%d"), "alerts": alerts,
                          "active": active, "level": level})
        grid_rows.append({"mailbox": mailbox["mailbox"], "triage": mailbox["triage"], "y": 24 + position * cell,
                          "cells": cells, "active_days": mailbox["active_days"]})
    return {"rows": grid_rows, "cell": cell, "label_width": label_width,
            "days": [{"x": label_width + i * cell, "label": d.strftime("%d"), "show": i % 2 == 0 or len(days) <= 16}
                     for i, d in enumerate(days)],
            "width": label_width + len(days) * cell + 10, "height": 24 + len(grid_rows) * cell + 8}


def code_chart(codes: list[dict], rows: int = 15) -> dict:
    top = codes[:rows]
    peak = max((c["alerts"] for c in top), default=1)
    bar_area, label_width, row_height = 380, 380, 20
    bars = [{"label": " · ".join(part for part in (c["code"], c["title"]) if part) or "(no code)",
             "title": (c["family"] + " " + c["code"]).strip(),
             "alerts": c["alerts"], "y": 8 + i * row_height, "width": round(max(c["alerts"] / peak * bar_area, 1), 1),
             "colour": CATEGORY_COLOURS.get(c["category"], "#777777")} for i, c in enumerate(top)]
    return {"bars": bars, "label_width": label_width, "width": label_width + bar_area + 80,
            "height": 16 + len(bars) * row_height}


def build_context(summary: dict, measures: Measures, top: int, outputs: dict[str, str]) -> dict:
    period = summary["period"]
    actions = summary["actions"]
    shown = {m["mailbox"] for m in summary["mailboxes"][:top]}
    pairs_by_mailbox: dict[str, list[dict]] = {}
    for pair in summary["pairs"]:  # pairs, not alerts: a few per mailbox
        if pair["mailbox"] in shown:
            pairs_by_mailbox.setdefault(pair["mailbox"], []).append(pair)
    return {
        "s": summary,
        "top": top,
        "outputs": {"json": "", "classified": "", **outputs},
        "actions_first": [a for a in actions if a["triage"] in ("act", "watch")],
        "actions_ignored": [a for a in actions if a["triage"] == "ignore"],
        "mailboxes_shown": summary["mailboxes"][:top],
        "pairs_by_mailbox": pairs_by_mailbox,
        "mailboxes_hidden": max(0, len(summary["mailboxes"]) - top),
        "codes_shown": summary["codes"][:top],
        "codes_hidden": max(0, len(summary["codes"]) - top),
        "daily": daily_chart(measures.daily, period["start"], period["end"]),
        "grid": mailbox_grid(measures.mailbox_days, summary["mailboxes"], measures.grid_mailboxes, period["start"],
                             period["end"]),
        "code_chart": code_chart(summary["codes"]),
        "categories": CATEGORY_COLOURS,
        "python_version": platform.python_version(),
        "pandas_version": pd.__version__,
    }


def render_report(summary: dict, measures: Measures, top: int = 50, outputs: dict[str, str] | None = None) -> str:
    context = build_context(summary, measures, top, outputs or {})
    return _template_environment().get_template("report.html").render(**context)
