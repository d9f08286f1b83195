"""Stage 4, measure: frequency and persistence per mailbox x code pair and per mailbox,
triage, ranking, and recommended actions (SPEC section 4). All vectorised.

An alert row is an *episode* [created_on, last_update_on]: Dynamics collates repeats of the
same error into one row, so persistence is read from the union of these intervals.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError

TRIAGE_ORDER = {"act": 0, "watch": 1, "ignore": 2}
PAIR_KEYS = ["mailbox", "family", "code", "rule"]
# A transient error that cleared within about two sync cycles (~15 min each) is a blip.
BLIP_HOURS = 0.5
ONGOING_WINDOW = pd.Timedelta(hours=24)
MAX_SEGMENT_DAYS = 20_000_000  # mailbox-days: 100,000 alerts spanning a 200-day episode each


@dataclass
class Measures:
    pairs: pd.DataFrame
    mailboxes: pd.DataFrame
    actions: pd.DataFrame
    codes: pd.DataFrame
    daily: pd.DataFrame  # day x category counts
    mailbox_days: pd.DataFrame  # mailbox, day, alerts, active
    grid_mailboxes: list[str]  # the grid's rows, in order


def _segments(alerts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Union of episode intervals per group: one row per disjoint segment (keys, start, end)."""
    ordered = alerts[keys + ["created_on", "last_update_on"]].sort_values(keys + ["created_on"], kind="stable")
    if ordered.empty:
        return pd.DataFrame(columns=keys + ["start", "end"])
    ordered = ordered.reset_index(drop=True)
    group_changed = (ordered[keys] != ordered[keys].shift()).any(axis=1)
    group_id = group_changed.cumsum()
    running_end = ordered.groupby(group_id)["last_update_on"].cummax()
    previous_end = running_end.shift()
    previous_end[group_changed] = pd.NaT
    new_segment = previous_end.isna() | (ordered["created_on"] > previous_end)
    segment_id = new_segment.cumsum()
    aggregations = {key: (key, "first") for key in keys}
    return ordered.groupby(segment_id).agg(**aggregations, start=("created_on", "min"),
                                           end=("last_update_on", "max")).reset_index(drop=True)


def _segment_days(segments: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Calendar days touched by each segment, unique per group: (keys, day)."""
    if segments.empty:
        return pd.DataFrame(columns=keys + ["day"])
    first_day = segments["start"].dt.normalize()
    last_day = segments["end"].dt.normalize()
    day_count = ((last_day - first_day).dt.days + 1).to_numpy()
    if day_count.sum() > MAX_SEGMENT_DAYS:
        raise InputError(
            f"the alerts' episodes cover {int(day_count.sum()):,} mailbox-days (from {first_day.min():%Y-%m-%d} to "
            f"{last_day.max():%Y-%m-%d}); limit the period with --month or --since/--until"
        )
    repeated = segments.loc[segments.index.repeat(day_count), keys].reset_index(drop=True)
    # Day offsets 0..n-1 within each segment, without a loop: position minus the segment's first position.
    offsets = np.arange(day_count.sum()) - np.repeat(np.cumsum(day_count) - day_count, day_count)
    repeated["day"] = np.repeat(first_day.to_numpy(), day_count) + pd.to_timedelta(offsets, unit="D")
    return repeated.drop_duplicates()


def persistence(alerts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group: persisted_hours, longest_episode_hours, active_days, longest_streak_days."""
    segments = _segments(alerts, keys)
    segments["hours"] = (segments["end"] - segments["start"]).dt.total_seconds() / 3600
    by_group = segments.groupby(keys, sort=False)["hours"].agg(persisted_hours="sum", longest_episode_hours="max")
    days = _segment_days(segments, keys).sort_values(keys + ["day"], kind="stable").reset_index(drop=True)
    if days.empty:
        by_group["active_days"] = 0
        by_group["longest_streak_days"] = 0
        return by_group.reset_index()
    group_changed = (days[keys] != days[keys].shift()).any(axis=1)
    new_run = group_changed | (days["day"].diff() != pd.Timedelta(days=1))
    days["run"] = new_run.cumsum()
    run_lengths = days.groupby(keys + ["run"], sort=False).size().rename("length").reset_index()
    streaks = run_lengths.groupby(keys, sort=False)["length"].max().rename("longest_streak_days")
    active = days.groupby(keys, sort=False).size().rename("active_days")
    return by_group.join(active).join(streaks).reset_index()


def _level_counts(alerts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counts = pd.crosstab([alerts[k] for k in keys], alerts["level"])
    for level in ("error", "warning", "information"):
        if level not in counts:
            counts[level] = 0
    counts = counts.rename(columns={"error": "errors", "warning": "warnings"})
    return counts[["errors", "warnings", "information"]]


def triage_pairs(pairs: pd.DataFrame, transient_hours: float) -> pd.Series:
    transient = pairs["transient"].astype(bool)
    # Benign entries, the informational category, and pairs whose alerts are all Information level.
    information_only = (pairs["errors"] == 0) & (pairs["warnings"] == 0)
    benign = pairs["benign"].astype(bool) | (pairs["category"] == "informational") | information_only
    known = pairs["known"].astype(bool)
    persisted = (pairs["persisted_hours"] > transient_hours) | (pairs["active_days"] >= 3)
    blip = (pairs["longest_episode_hours"] <= BLIP_HOURS) & (pairs["active_days"] <= 2)
    triage = np.select(
        [benign, ~known, ~transient, persisted, blip],
        ["ignore", "watch", "act", "act", "ignore"],
        default="watch",
    )
    return pd.Series(triage, index=pairs.index)


def measure(classified: pd.DataFrame, period_end: pd.Timestamp, transient_hours: float = 2.0,
            rank_by: str = "alerts", top_grid: int = 20) -> Measures:
    alerts = classified
    if alerts.empty:
        return _empty_measures()
    attributes = (alerts.groupby(PAIR_KEYS, sort=False)
                  .agg(alerts=("text", "size"), first_seen=("created_on", "min"), last_seen=("last_update_on", "max"),
                       known=("known", "first"), transient=("transient", "first"), benign=("benign", "first"),
                       category=("category", "first"), title=("title", "first"), action=("action", "first"),
                       who_acts=("who_acts", "first"), doc_url=("doc_url", "first"), code_hex=("code_hex", "first")))
    pairs = attributes.join(_level_counts(alerts, PAIR_KEYS)).reset_index()
    pairs = pairs.merge(persistence(alerts, PAIR_KEYS), on=PAIR_KEYS, how="left")
    pairs["ongoing"] = pairs["last_seen"] >= period_end - ONGOING_WINDOW
    pairs["triage"] = triage_pairs(pairs, transient_hours)
    pairs["triage_rank"] = pairs["triage"].map(TRIAGE_ORDER)
    pairs = pairs.sort_values(["triage_rank", "alerts", "persisted_hours", "mailbox"],
                              ascending=[True, False, False, True], kind="stable").reset_index(drop=True)

    mailboxes = _mailboxes(alerts, pairs, period_end, rank_by)
    actions = _actions(pairs, alerts)
    codes = _codes(alerts, pairs)
    daily = (alerts.assign(day=alerts["created_on"].dt.normalize())
             .pivot_table(index="day", columns="category", values="text", aggfunc="size", fill_value=0))
    # The grid shows persistence of what needs attention: alerts of act/watch pairs, on the
    # highest-ranked mailboxes that have any (benign noise would colour every day).
    attention = pairs[pairs["triage"] != "ignore"]
    attention_alerts = alerts.merge(attention[PAIR_KEYS], on=PAIR_KEYS, how="inner")
    # Worst triage first, then the longest-lasting: the grid is about persistence.
    grid_order = (attention.groupby("mailbox")
                  .agg(triage_rank=("triage_rank", "min"), persisted_hours=("persisted_hours", "max"))
                  .reset_index()
                  .sort_values(["triage_rank", "persisted_hours", "mailbox"], ascending=[True, False, True]))
    top = grid_order["mailbox"].head(top_grid).tolist()
    mailbox_days = _mailbox_days(attention_alerts[attention_alerts["mailbox"].isin(top)])
    return Measures(pairs, mailboxes, actions, codes, daily, mailbox_days, top)


def _empty_measures() -> Measures:
    """A header-only export: every table empty (the summary and report read no columns of them)."""
    return Measures(pd.DataFrame(), pd.DataFrame(), _actions(pd.DataFrame()), pd.DataFrame(), pd.DataFrame(),
                    pd.DataFrame(), [])


def _mailboxes(alerts: pd.DataFrame, pairs: pd.DataFrame, period_end: pd.Timestamp, rank_by: str) -> pd.DataFrame:
    keys = ["mailbox"]
    base = (alerts.groupby("mailbox", sort=False)
            .agg(alerts=("text", "size"), first_seen=("created_on", "min"), last_seen=("last_update_on", "max"),
                 regarding_type=("regarding_type", "first"), codes=("code", "nunique")))
    base = base.join(_level_counts(alerts, keys))
    base = base.join(persistence(alerts, keys).set_index("mailbox"))
    # The top problem is the worst-triaged pair, then the one with most alerts.
    top = pairs.sort_values(["mailbox", "triage_rank", "alerts"], ascending=[True, True, False],
                            kind="stable").drop_duplicates("mailbox")
    top = top.set_index("mailbox")
    base["top_code"] = top["code"].where(top["code"] != "", top["rule"])
    base["top_title"] = top["title"]
    base["top_rule"] = top["rule"]
    base["top_category"] = top["category"]
    worst = pairs.groupby("mailbox")["triage_rank"].min()
    base["triage"] = worst.map({rank: name for name, rank in TRIAGE_ORDER.items()})
    base["triage_rank"] = worst
    base["act_codes"] = pairs[pairs["triage"] == "act"].groupby("mailbox").size()
    base["act_codes"] = base["act_codes"].fillna(0).astype(int)
    base["ongoing"] = base["last_seen"] >= period_end - ONGOING_WINDOW
    base = base.reset_index()
    order = {
        "alerts": (["alerts", "persisted_hours", "mailbox"], [False, False, True]),
        "persistence": (["persisted_hours", "alerts", "mailbox"], [False, False, True]),
        "priority": (["triage_rank", "alerts", "persisted_hours", "mailbox"], [True, False, False, True]),
    }[rank_by]
    base = base.sort_values(order[0], ascending=order[1], kind="stable").reset_index(drop=True)
    base.insert(0, "rank", np.arange(1, len(base) + 1))
    return base


TRANSIENT_NOT_CLEARED = ("Transient error that did not clear: check Exchange / Microsoft 365 service health and "
                         "mailbox access, then open a Microsoft support request if it continues")
TRANSIENT_NOT_CLEARED_WHO = "admin, then Microsoft support"


def _actions(pairs: pd.DataFrame, alerts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Pairs grouped by (recommended action, triage): the same fix is one 'act' item for the mailboxes
    that need it now, and separate 'watch' / 'ignore' items for those where it is only noise."""
    columns = ["action", "triage", "rule_ids", "titles", "codes", "mailboxes", "mailbox_detail", "mailbox_count",
               "ongoing_mailboxes", "alerts", "persisted_hours", "first_seen", "last_seen", "who_acts", "doc_urls",
               "known", "transient", "triage_rank"]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    unknown_action = "Look up unclassified code " + (pairs["family"] + " " + pairs["code"]).str.strip()
    unknown_action = unknown_action.where(pairs["code"] != "",
                                          "Read the unclassified alerts (no code found) and add them to the catalogue")
    keyed = pairs.assign(action=np.where(pairs["known"], pairs["action"], unknown_action))
    # A transient error that became 'act' needs escalation, not the entry's "wait a cycle" advice.
    escalate = keyed["transient"].astype(bool) & (keyed["triage"] == "act")
    keyed.loc[escalate, "action"] = TRANSIENT_NOT_CLEARED
    keyed.loc[escalate, "who_acts"] = TRANSIENT_NOT_CLEARED_WHO
    keyed = keyed.sort_values(["alerts"], ascending=False, kind="stable")
    keys = ["action", "triage_rank"]
    grouped = keyed.groupby(keys, sort=False)
    actions = grouped.agg(alerts=("alerts", "sum"),
                          first_seen=("first_seen", "min"), last_seen=("last_seen", "max"), known=("known", "max"),
                          transient=("transient", "max"))
    actions["rule_ids"] = grouped["rule"].agg(lambda s: sorted({r for r in s if r}))
    actions["titles"] = grouped["title"].agg(lambda s: list(dict.fromkeys(t for t in s if t)))
    actions["who_acts"] = grouped["who_acts"].agg(lambda s: ", ".join(dict.fromkeys(w for w in s if w)))
    actions["doc_urls"] = grouped["doc_url"].agg(lambda s: list(dict.fromkeys(u for u in s if u)))
    actions["codes"] = grouped["code"].agg(lambda s: list(dict.fromkeys(c for c in s if c)))
    # The action's mailboxes, most alerts first, with their own figures.
    per_mailbox = (keyed.groupby(keys + ["mailbox"], sort=False)
                   .agg(alerts=("alerts", "sum"), first_seen=("first_seen", "min"), last_seen=("last_seen", "max"),
                        ongoing=("ongoing", "max"), persisted_hours=("persisted_hours", "max"))
                   .reset_index())
    if alerts is not None and not alerts.empty:
        # Persisted time of a mailbox under one action: the union over all its codes for that action.
        joined = alerts[PAIR_KEYS + ["created_on", "last_update_on"]].merge(keyed[PAIR_KEYS + keys], on=PAIR_KEYS)
        union = persistence(joined, keys + ["mailbox"])[keys + ["mailbox", "persisted_hours"]]
        per_mailbox = per_mailbox.drop(columns="persisted_hours").merge(union, on=keys + ["mailbox"], how="left")
    per_mailbox = (per_mailbox
                   .sort_values(keys + ["alerts", "mailbox"], ascending=[True, True, False, True], kind="stable"))
    by_action = per_mailbox.groupby(keys, sort=False)
    actions["mailboxes"] = by_action["mailbox"].agg(list)
    actions["mailbox_detail"] = by_action[["mailbox", "alerts", "first_seen", "last_seen", "ongoing",
                                           "persisted_hours"]].apply(lambda g: g.to_dict("records"))
    actions["mailbox_count"] = actions["mailboxes"].str.len()
    # The longest any one mailbox suffered it (a sum over mailboxes could exceed the period).
    actions["persisted_hours"] = by_action["persisted_hours"].max()
    actions["ongoing_mailboxes"] = by_action["ongoing"].sum().astype(int)
    actions = actions.reset_index()
    actions["triage"] = actions["triage_rank"].map({rank: name for name, rank in TRIAGE_ORDER.items()})
    actions = actions.sort_values(["triage_rank", "mailbox_count", "persisted_hours", "alerts"],
                                  ascending=[True, False, False, False], kind="stable").reset_index(drop=True)
    return actions[columns]


def _codes(alerts: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    keys = ["family", "code", "rule"]
    codes = (alerts.groupby(keys, sort=False)
             .agg(alerts=("text", "size"), mailboxes=("mailbox", "nunique"), code_hex=("code_hex", "first"),
                  title=("title", "first"), category=("category", "first"), transient=("transient", "first"),
                  known=("known", "first"), action=("action", "first"), doc_url=("doc_url", "first"),
                  who_acts=("who_acts", "first"), sample_text=("text", "first"), matched_by=("matched_by", "first"),
                  reading=("reading", "first"))
             .reset_index())
    worst = pairs.groupby(keys, sort=False)["triage_rank"].min()
    codes = codes.merge(worst.rename("triage_rank").reset_index(), on=keys, how="left")
    act_mailboxes = pairs[pairs["triage"] == "act"].groupby(keys, sort=False)["mailbox"].nunique()
    codes = codes.merge(act_mailboxes.rename("act_mailboxes").reset_index(), on=keys, how="left")
    codes["act_mailboxes"] = codes["act_mailboxes"].fillna(0).astype(int)
    codes["triage"] = codes["triage_rank"].map({rank: name for name, rank in TRIAGE_ORDER.items()})
    return codes.sort_values(["alerts", "code"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _mailbox_days(alerts: pd.DataFrame) -> pd.DataFrame:
    """Per top mailbox and day: alerts created that day, and whether an episode was open that day."""
    if alerts.empty:
        return pd.DataFrame(columns=["mailbox", "day", "alerts", "active"])
    created = (alerts.assign(day=alerts["created_on"].dt.normalize())
               .groupby(["mailbox", "day"]).size().rename("alerts"))
    active = _segment_days(_segments(alerts, ["mailbox"]), ["mailbox"]).assign(active=True).set_index(["mailbox", "day"])
    grid = active.join(created, how="outer")
    grid["alerts"] = grid["alerts"].fillna(0).astype(int)
    grid["active"] = grid["active"].fillna(False).astype(bool)
    return grid.reset_index()
