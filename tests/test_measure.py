"""Measures on a small case computed by hand (SPEC section 4)."""
from __future__ import annotations

import pandas as pd
import pytest

from analyzer.measure import TRANSIENT_NOT_CLEARED, measure


def alert(mailbox, code, start, end, transient=False, level="error", benign=False, category="privileges"):
    return {"mailbox": mailbox, "family": "F", "code": code, "rule": f"rule-{code}", "known": True,
            "transient": transient, "benign": benign, "category": category, "title": f"title {code}",
            "action": f"fix {code}", "who_acts": "admin", "doc_url": "https://x.example/", "code_hex": "",
            "level": level, "text": f"text {code}", "regarding_type": "mailbox", "matched_by": "code", "reading": "",
            "created_on": pd.Timestamp(start), "last_update_on": pd.Timestamp(end)}


ALERTS = pd.DataFrame([
    # A / X: overlapping 10-12 and 11-13 (3 h), a multi-day episode 2nd 23:00 -> 4th 01:00 (26 h), an instant.
    alert("A", "X", "2026-11-01 10:00", "2026-11-01 12:00"),
    alert("A", "X", "2026-11-01 11:00", "2026-11-01 13:00", level="warning"),
    alert("A", "X", "2026-11-02 23:00", "2026-11-04 01:00"),
    alert("A", "X", "2026-11-06 09:00", "2026-11-06 09:00"),
    # B / T: one transient blip of 5 minutes.
    alert("B", "T", "2026-11-04 10:00", "2026-11-04 10:05", transient=True, category="transient service error"),
    # C / T: a transient error open for 3 hours (over the 2 h limit).
    alert("C", "T", "2026-11-01 08:00", "2026-11-01 11:00", transient=True, category="transient service error"),
    # D / T: transient, recurring, below the limits (45 min + 10 min on two days).
    alert("D", "T", "2026-11-02 10:00", "2026-11-02 10:45", transient=True, category="transient service error"),
    alert("D", "T", "2026-11-03 10:00", "2026-11-03 10:10", transient=True, category="transient service error"),
    # E / I: informational.
    alert("E", "I", "2026-11-04 10:00", "2026-11-04 10:00", level="information", benign=True,
          category="informational"),
])
PERIOD_END = pd.Timestamp("2026-11-06 09:00")


@pytest.fixture(scope="module")
def measures():
    return measure(ALERTS, PERIOD_END)


def pair(measures, mailbox):
    return measures.pairs.set_index("mailbox").loc[mailbox]


def test_union_of_overlapping_and_multi_day_episodes(measures):
    a = pair(measures, "A")
    assert a["alerts"] == 4 and a["errors"] == 3 and a["warnings"] == 1
    assert a["persisted_hours"] == pytest.approx(3 + 26)
    assert a["active_days"] == 5  # 1, 2, 3, 4, 6 November
    assert a["longest_streak_days"] == 4  # 1-4 November
    assert a["first_seen"] == pd.Timestamp("2026-11-01 10:00")
    assert a["last_seen"] == pd.Timestamp("2026-11-06 09:00")
    assert bool(a["ongoing"]) is True
    assert a["triage"] == "act"


def test_triage(measures):
    assert pair(measures, "B")["triage"] == "ignore"  # single transient blip
    assert pair(measures, "C")["triage"] == "act"  # transient that persisted over 2 h
    assert pair(measures, "D")["triage"] == "watch"  # transient, recurring, below the limits
    assert pair(measures, "E")["triage"] == "ignore"  # informational
    assert bool(pair(measures, "B")["ongoing"]) is False


def test_transient_on_three_days_is_act():
    rows = [alert("F", "T", f"2026-11-0{d} 10:00", f"2026-11-0{d} 10:01", transient=True) for d in (1, 3, 5)]
    assert measure(pd.DataFrame(rows), PERIOD_END).pairs.loc[0, "triage"] == "act"


def test_ranking_by_alerts_then_persistence_then_name(measures):
    assert measures.mailboxes["mailbox"].tolist() == ["A", "D", "C", "B", "E"]
    assert measures.mailboxes["rank"].tolist() == [1, 2, 3, 4, 5]


def test_rank_by_persistence():
    mailboxes = measure(ALERTS, PERIOD_END, rank_by="persistence").mailboxes
    assert mailboxes["mailbox"].tolist()[:3] == ["A", "C", "D"]


def test_actions_ordered_by_triage_then_mailboxes(measures):
    actions = measures.actions
    assert actions["triage"].tolist() == sorted(actions["triage"], key=["act", "watch", "ignore"].index)
    first = actions.iloc[0]
    assert first["triage"] == "act" and first["mailbox_count"] == 1
    # A transient error that became 'act' is escalated, not told to wait.
    transient_act = actions[(actions["action"] == TRANSIENT_NOT_CLEARED) & (actions["triage"] == "act")].iloc[0]
    assert transient_act["mailboxes"] == ["C"] and transient_act["who_acts"] == "admin, then Microsoft support"
    assert actions[(actions["action"] == "fix T") & (actions["triage"] == "watch")].iloc[0]["mailboxes"] == ["D"]
    # persisted time of an action is per mailbox (union of its episodes), never a sum over codes
    assert actions[actions["action"] == "fix X"].iloc[0]["persisted_hours"] == pytest.approx(29)


def test_information_only_pair_is_ignore():
    rows = [alert("G", "Z", "2026-11-01 10:00", "2026-11-01 16:00", transient=True, level="information",
                  category="transient service error")]
    assert measure(pd.DataFrame(rows), PERIOD_END).pairs.loc[0, "triage"] == "ignore"


def test_mailbox_grid_days(measures):
    grid = measures.mailbox_days
    a_days = grid[(grid["mailbox"] == "A") & grid["active"]]["day"].dt.day.tolist()
    assert a_days == [1, 2, 3, 4, 6]
