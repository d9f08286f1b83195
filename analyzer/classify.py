"""Stage 3, classify: each distinct (text, details) once -> direction, family, code, rule.

The per-alert columns are then joined back in one vectorised merge.
"""
from __future__ import annotations

import pandas as pd

from .catalogue import Catalogue
from .parse import code_hex, parse_text

CLASSIFICATION_COLUMNS = (
    "direction", "family", "code", "code_hex", "rule", "known", "matched_by", "category", "transient", "benign",
    "severity", "title", "who_acts", "action", "doc_url", "reading", "text_mailbox",
)
NO_MAILBOX = "(no mailbox named)"
PARSE_LIMIT = 8_000


def classify_texts(texts: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """One row per distinct (text, details): the classification columns."""
    records = []
    for text, details in zip(texts["text"], texts["details"]):
        # Trace text is at most 2,000 characters and details 2,048: a longer cell is not an alert
        # the regular expressions need to read to the end (and must not cost minutes).
        head, details_head = text[:PARSE_LIMIT], details[:PARSE_LIMIT]
        parsed = parse_text(head, details_head)
        match = catalogue.match(parsed.candidates, head)
        entry = match.entry
        records.append({
            "text": text,
            "details": details,
            "direction": parsed.direction,
            "family": match.family,
            "code": match.code,
            "code_hex": code_hex(match.code),
            "rule": entry.id if entry else "",
            "known": entry is not None,
            "matched_by": match.matched_by,
            "category": entry.category if entry else "unclassified",
            "transient": entry.transient if entry else False,
            "benign": entry.benign if entry else False,
            "severity": entry.severity if entry else "",
            "title": entry.title if entry else "",
            "who_acts": entry.who_acts if entry else "",
            "action": entry.action if entry else "",
            "doc_url": entry.doc_url if entry else "",
            "reading": entry.reading if entry else "",
            "text_mailbox": parsed.mailbox,
        })
    return pd.DataFrame.from_records(records, columns=["text", "details", *CLASSIFICATION_COLUMNS])


def classify(alerts: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Canonical alerts -> the same rows with the classification columns added."""
    distinct = alerts[["text", "details"]].drop_duplicates()
    classified = alerts.merge(classify_texts(distinct, catalogue), on=["text", "details"], how="left", sort=False)
    # Regarding is the mailbox of record; the text is only a fallback (SPEC section 2).
    # A bare lookup GUID in Regarding (Web API without formatted values) names nothing readable.
    guid = classified["mailbox"].str.fullmatch(r"\{?[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}?")
    from_text = ((classified["mailbox"] == "") | guid) & (classified["text_mailbox"] != "")
    classified.loc[from_text, "mailbox"] = classified.loc[from_text, "text_mailbox"]
    classified.loc[classified["mailbox"] == "", "mailbox"] = NO_MAILBOX
    if "regarding_type" in classified:
        classified.loc[from_text & (classified["regarding_type"] == "unknown"), "regarding_type"] = "mailbox"
    return classified.drop(columns=["text_mailbox"])
