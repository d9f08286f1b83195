"""Stage 5a: turn the measures into the plain-data summary (the --json document, SPEC section 5).

Everything here is JSON-ready: strings, numbers, booleans, lists and dicts; times are ISO 8601.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

SCHEMA_VERSION = "1.0"


def iso(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    return str(value)


def _hours(value: Any) -> float:
    return round(float(value), 2) if value is not None and not pd.isna(value) else 0.0


def _int(value: Any) -> int:
    return int(value) if value is not None and not pd.isna(value) else 0


def pair_record(row: dict) -> dict:
    return {
        "mailbox": row["mailbox"], "family": row["family"], "code": row["code"], "code_hex": row["code_hex"],
        "rule": row["rule"], "title": row["title"], "category": row["category"], "known": bool(row["known"]),
        "transient": bool(row["transient"]), "alerts": _int(row["alerts"]), "errors": _int(row["errors"]),
        "warnings": _int(row["warnings"]), "information": _int(row["information"]),
        "first_seen": iso(row["first_seen"]), "last_seen": iso(row["last_seen"]),
        "persisted_hours": _hours(row["persisted_hours"]), "active_days": _int(row["active_days"]),
        "longest_streak_days": _int(row["longest_streak_days"]), "ongoing": bool(row["ongoing"]),
        "triage": row["triage"],
    }


def mailbox_record(row: dict) -> dict:
    return {
        "rank": _int(row["rank"]), "mailbox": row["mailbox"], "regarding_type": row["regarding_type"],
        "alerts": _int(row["alerts"]), "errors": _int(row["errors"]), "warnings": _int(row["warnings"]),
        "information": _int(row["information"]), "codes": _int(row["codes"]), "top_code": row["top_code"],
        "top_title": row["top_title"] or "", "top_category": row["top_category"], "first_seen": iso(row["first_seen"]), "last_seen": iso(row["last_seen"]),
        "persisted_hours": _hours(row["persisted_hours"]), "active_days": _int(row["active_days"]),
        "longest_streak_days": _int(row["longest_streak_days"]), "ongoing": bool(row["ongoing"]),
        "triage": row["triage"], "act_codes": _int(row["act_codes"]),
    }


def action_record(row: dict) -> dict:
    return {
        "action": row["action"], "rule_ids": list(row["rule_ids"]), "titles": list(row["titles"]),
        "codes": list(row["codes"]), "mailboxes": list(row["mailboxes"]), "mailbox_count": _int(row["mailbox_count"]),
        "ongoing_mailboxes": _int(row["ongoing_mailboxes"]), "alerts": _int(row["alerts"]), "triage": row["triage"],
        "persisted_hours": _hours(row["persisted_hours"]), "first_seen": iso(row["first_seen"]),
        "last_seen": iso(row["last_seen"]), "who_acts": row["who_acts"], "doc_urls": list(row["doc_urls"]),
        "known": bool(row["known"]), "transient": bool(row["transient"]),
        "mailbox_detail": [
            {"mailbox": m["mailbox"], "alerts": _int(m["alerts"]), "first_seen": iso(m["first_seen"]),
             "last_seen": iso(m["last_seen"]), "ongoing": bool(m["ongoing"]),
             "persisted_hours": _hours(m["persisted_hours"])}
            for m in row["mailbox_detail"]
        ],
    }


def code_record(row: dict) -> dict:
    return {
        "code": row["code"], "code_hex": row["code_hex"], "family": row["family"], "rule": row["rule"],
        "title": row["title"], "category": row["category"], "transient": bool(row["transient"]),
        "known": bool(row["known"]), "alerts": _int(row["alerts"]), "mailboxes": _int(row["mailboxes"]),
        "action": row["action"], "doc_url": row["doc_url"], "who_acts": row["who_acts"],
        "matched_by": row["matched_by"], "reading": row["reading"], "triage": row["triage"],
        "act_mailboxes": _int(row["act_mailboxes"]),
    }


def _records(frame: pd.DataFrame, convert) -> list[dict]:
    return [convert(row) for row in frame.to_dict("records")]


def build_summary(*, data, classified: pd.DataFrame, measures, catalogue, options, period, tool_version: str,
                  generated: str) -> dict:
    rows_rejected = len(data.rejected)
    rows = {"read": data.rows_read, "analysed": len(classified), "duplicates": data.duplicates,
            "rejected": rows_rejected}
    rows["balanced"] = rows["read"] == rows["analysed"] + rows["duplicates"] + rows["rejected"]
    rows["empty_skipped"] = sum(i.empty_rows for i in data.inputs)
    level_counts = classified["level"].value_counts() if len(classified) else pd.Series(dtype=int)
    levels = {level: _int(level_counts.get(level, 0)) for level in ("error", "warning", "information", "unknown")}
    mailboxes = _records(measures.mailboxes, mailbox_record)
    pairs = _records(measures.pairs, pair_record)
    codes = _records(measures.codes, code_record)
    unknown = measures.codes[~measures.codes["known"].astype(bool)] if len(measures.codes) else measures.codes
    unknown_codes = [
        {"family": r["family"], "code": r["code"], "code_hex": r["code_hex"], "alerts": _int(r["alerts"]),
         "mailboxes": _int(r["mailboxes"]), "sample_text": r["sample_text"][:600]}
        for r in unknown.to_dict("records")
    ]
    reasons = data.rejected["reason"].value_counts().to_dict() if rows_rejected else {}
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "mailbox-alerts", "version": tool_version},
        "catalogue_version": catalogue.version,
        "catalogue_sources": catalogue.sources,
        "generated_at": generated,
        "inputs": [
            {"path": i.path, "format": i.format, "rows_read": i.rows_read, "sheet": i.sheet, "encoding": i.encoding,
             "delimiter": i.delimiter, "columns": i.columns, "date_order": i.date_order, "notes": i.notes}
            for i in data.inputs
        ],
        "period": {"start": iso(period[0]), "end": iso(period[1]), "timezone": data.timezone},
        "rows": rows,
        "levels": levels,
        "headline": {
            "alerts": len(classified),
            "mailboxes": len(mailboxes),
            "mailboxes_to_act_on": sum(1 for m in mailboxes if m["triage"] == "act"),
            # Mailboxes with a problem to act on that was still being logged at the end of the period.
            "ongoing_problems": len({p["mailbox"] for p in pairs if p["ongoing"] and p["triage"] == "act"}),
            "unknown_alerts": sum(c["alerts"] for c in unknown_codes),
        },
        "codes": codes,
        "unknown_codes": unknown_codes,
        "mailboxes": mailboxes,
        "pairs": pairs,
        "actions": _records(measures.actions, action_record),
        "rejected": [{"source": r["source"], "row": _int(r["row"]), "reason": r["reason"]}
                     for r in data.rejected.to_dict("records")],
        "rejected_by_reason": {str(k): int(v) for k, v in reasons.items()},
        "options": options.as_dict(),
    }
