"""The main job on the sample export, through the CLI: the generator's scenarios must be found."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import cli

from .conftest import SAMPLE_XLSX


def pairs_of(summary, mailbox, code=None):
    return [p for p in summary["pairs"] if p["mailbox"] == mailbox and (code is None or p["code"] == code)]


def mailbox_row(summary, mailbox):
    return next(m for m in summary["mailboxes"] if m["mailbox"] == mailbox)


def test_top_of_ranking_is_what_the_generator_made(sample_run):
    expected = [row["mailbox"] for row in sample_run["scenarios"]["top10_by_alerts"]]
    got = [m["mailbox"] for m in sample_run["summary"]["mailboxes"][:10]]
    assert got == expected
    wave = sample_run["scenarios"]["scenarios"]["a_plugin_wave"]["mailboxes"][0]
    assert got[0] == wave


def test_unlicensed_user_is_act_and_ongoing(sample_run):
    name = sample_run["scenarios"]["scenarios"]["b_unlicensed"]["mailboxes"][0]
    [pair] = pairs_of(sample_run["summary"], name, "-2147167669")
    assert pair["triage"] == "act" and pair["ongoing"] is True and pair["active_days"] == 30
    assert mailbox_row(sample_run["summary"], name)["ongoing"] is True


def test_clearing_transient_blips_are_ignore(sample_run):
    names = sample_run["scenarios"]["scenarios"]["c_transient_blips"]["mailboxes"]
    assert len(names) >= 30
    triage = {p["triage"] for name in names for p in pairs_of(sample_run["summary"], name, "-2147220970")
              if p["family"] == "UnknownIncomingEmailIntegrationError"}
    assert triage == {"ignore"}


def test_persisting_transient_is_act(sample_run):
    name = sample_run["scenarios"]["scenarios"]["d_persistent_transient"]["mailboxes"][0]
    [pair] = [p for p in pairs_of(sample_run["summary"], name, "-2147220970")
              if p["family"] == "UnknownIncomingEmailIntegrationError"]
    assert pair["triage"] == "act" and pair["persisted_hours"] > 2 and pair["active_days"] >= 3


@pytest.mark.parametrize("scenario,rule", [
    ("a_plugin_wave", "isv-aborted"), ("e_invalid_address", "incoming-invalid-recipient-address"),
    ("f_queue_privilege", "queue-owner-missing-read-privilege"), ("g_credentials_401", "http-401-unauthorized"),
    ("h_approval", "email-approval-required"),
])
def test_scenario_found_with_its_rule_as_act(sample_run, scenario, rule):
    names = set(sample_run["scenarios"]["scenarios"][scenario]["mailboxes"])
    action = next(a for a in sample_run["summary"]["actions"] if rule in a["rule_ids"] and a["triage"] == "act")
    assert names <= set(action["mailboxes"])


def test_undocumented_code_is_kept_and_listed(sample_run):
    unknown = {u["code"]: u for u in sample_run["summary"]["unknown_codes"]}
    assert unknown["-2147299999"]["alerts"] == 2
    assert "-2147299999" in (sample_run["dir"] / "report.html").read_text(encoding="utf-8")


def test_json_has_every_spec_key(sample_run):
    s = sample_run["summary"]
    for key in ("schema_version", "tool", "catalogue_version", "inputs", "period", "rows", "levels", "codes",
                "mailboxes", "pairs", "actions", "rejected"):
        assert key in s
    assert set(s["tool"]) == {"name", "version"}
    assert {"path", "format", "rows_read"} <= set(s["inputs"][0])
    assert {"start", "end", "timezone"} <= set(s["period"])
    assert set(s["rows"]) >= {"read", "analysed", "duplicates", "rejected"}
    assert set(s["levels"]) == {"error", "warning", "information", "unknown"}
    assert {"code", "code_hex", "family", "rule", "title", "category", "transient", "known", "alerts", "mailboxes",
            "action"} <= set(s["codes"][0])
    assert {"rank", "mailbox", "alerts", "errors", "warnings", "information", "codes", "top_code", "first_seen",
            "last_seen", "persisted_hours", "active_days", "longest_streak_days", "ongoing",
            "triage"} <= set(s["mailboxes"][0])
    assert {"mailbox", "code", "rule", "alerts", "first_seen", "last_seen", "persisted_hours", "active_days",
            "ongoing", "triage"} <= set(s["pairs"][0])
    assert {"action", "rule_ids", "mailboxes", "alerts", "triage"} <= set(s["actions"][0])
    rows = s["rows"]
    assert rows["read"] == rows["analysed"] + rows["duplicates"] + rows["rejected"] == sample_run["scenarios"]["rows"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", s["period"]["start"])


def test_classified_csv_has_one_row_per_alert(sample_run):
    import pandas as pd

    frame = pd.read_csv(sample_run["dir"] / "classified.csv", dtype=str, keep_default_na=False)
    assert len(frame) == sample_run["summary"]["rows"]["analysed"]
    for column in ("alert_id", "mailbox", "source", "row", "direction", "family", "code", "code_hex", "rule",
                   "known", "category", "transient", "title"):
        assert column in frame.columns
    assert (frame[frame["code"] == "-2147220891"]["code_hex"] == "0x80040265").all()


def test_terminal_summary(sample_run):
    assert "Read 16,000 rows" in sample_run["output"] or "rows:" in sample_run["output"]
    assert "ACT" in sample_run["output"]


def test_same_inputs_same_outputs(tmp_path, monkeypatch):
    runner = CliRunner()
    outputs = []
    for run in ("first", "second"):
        # Same relative output names in two folders: the report names its side outputs.
        (tmp_path / run).mkdir()
        monkeypatch.chdir(tmp_path / run)
        result = runner.invoke(cli, ["analyse", str(SAMPLE_XLSX), "-o", "r.html", "--json", "s.json",
                                     "--now", "2026-12-01T08:00", "-q"])
        assert result.exit_code == 0
        outputs.append((Path("r.html").read_bytes(), Path("s.json").read_bytes()))
    assert outputs[0] == outputs[1]


def test_fail_on_act_exits_1(tmp_path):
    result = CliRunner().invoke(cli, ["analyse", str(SAMPLE_XLSX), "-o", str(tmp_path / "r.html"), "-q",
                                      "--fail-on", "act"])
    assert result.exit_code == 1
    assert (tmp_path / "r.html").exists()


def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path):
    existing = tmp_path / "report.html"
    existing.write_text("earlier report", encoding="utf-8")
    missing = tmp_path / "nope.xlsx"
    result = CliRunner().invoke(cli, ["analyse", str(missing), "-o", str(existing)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"mailbox-alerts: error: {missing}: no such file or folder"]
    assert existing.read_text(encoding="utf-8") == "earlier report"


def test_python_dash_m_works():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "analyzer", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "analyse" in result.stdout


def test_explain_accepts_any_code_shape():
    runner = CliRunner()
    outputs = [runner.invoke(cli, ["explain", shape]).output
               for shape in ("-2147220891", "0x80040265", "Crm.80040265", "2147746405")]
    assert all(out.startswith("isv-aborted:") for out in outputs)
    assert runner.invoke(cli, ["explain", "-2147299999"]).exit_code == 2


def test_codes_lists_entries():
    result = CliRunner().invoke(cli, ["codes", "--json"])
    data = json.loads(result.output)
    assert len(data["entries"]) >= 7 and data["catalogue_version"]


def test_installed_package_runs_outside_the_source_tree(tmp_path):
    """From another folder, `python -m analyzer` uses the installed package: templates and catalogue
    must ship inside it (a non-editable `pip install .`)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "analyzer", "analyse", str(SAMPLE_XLSX), "-o", "r.html", "-q"],
                            cwd=tmp_path, capture_output=True, text=True, check=False)
    if "No module named analyzer" in result.stderr:
        pytest.skip("analyzer is not installed in this interpreter")
    assert result.returncode == 0, result.stderr
    assert "What to do first" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_json_summary_validates_against_the_schema(sample_run):
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parent.parent / "docs" / "summary.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(sample_run["summary"], schema, cls=jsonschema.Draft202012Validator)
