"""Reading and normalising: canonical fields, source and row kept, duplicates, the accounting."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analyzer.errors import InputError
from analyzer.normalise import normalise, parse_datetimes
from analyzer.read import read_file

from .conftest import SAMPLE_CSV, SAMPLE_XLSX

HEADER = "Regarding,Level,Text,Created On,Last Update On\r\n"
TEXT = '"An unknown error occurred while receiving email through the mailbox ""Sales Queue"".\nEmail Server Error ' \
       'Code: Exchange server returned UnknownIncomingEmailIntegrationError -2147220956 exception."'


def write(tmp_path: Path, name: str, content: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return path


def test_accounting_invariant_with_duplicates_and_rejects(tmp_path):
    rows = [
        f"Sales Queue,Error,{TEXT},11/3/2026 9:15 AM,11/3/2026 11:15 AM",
        f"Sales Queue,Error,{TEXT},11/3/2026 9:15 AM,11/3/2026 11:15 AM",  # exact duplicate, no id
        "Sales Queue,Error,,11/3/2026 9:15 AM,",  # no text
        f"Sales Queue,Warning,{TEXT},not a date,",  # bad date
        f"Sales Queue,Warning,{TEXT},11/4/2026 10:00 AM,",  # no last update: equals created
    ]
    path = write(tmp_path, "a.csv", HEADER + "\r\n".join(rows) + "\r\n")
    data = normalise([read_file(path)])
    assert data.rows_read == 5
    assert len(data.alerts) == 2 and data.duplicates == 1 and len(data.rejected) == 2
    assert data.rows_read == len(data.alerts) + data.duplicates + len(data.rejected)
    assert sorted(data.rejected["reason"]) == ["no alert text", "unparseable Created On"]
    assert data.rejected["row"].tolist() == [3, 4]
    last = data.alerts.iloc[-1]
    assert last["row"] == 5 and last["source"] == str(path)
    assert last["last_update_on"] == last["created_on"] == pd.Timestamp("2026-11-04 10:00")
    assert data.alerts["level"].tolist() == ["error", "warning"]


def test_same_alert_id_in_two_exports_keeps_latest(tmp_path):
    header = "(Do Not Modify) Trace,Regarding,Level,Text,Created On,Last Update On\r\n"
    older = write(tmp_path, "oct.csv", header + f"{{ABC}},Sales Queue,Error,{TEXT},11/1/2026 8:00 AM,11/1/2026 9:00 AM\r\n")
    newer = write(tmp_path, "nov.csv", header + f"abc,Sales Queue,Error,{TEXT},11/1/2026 8:00 AM,11/2/2026 9:00 AM\r\n")
    data = normalise([read_file(older), read_file(newer)])
    assert data.duplicates == 1 and len(data.alerts) == 1
    assert data.alerts.iloc[0]["last_update_on"] == pd.Timestamp("2026-11-02 09:00")
    assert data.alerts.iloc[0]["source"] == str(newer)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_csv_with_and_without_bom(tmp_path, encoding):
    path = write(tmp_path, "x.csv", HEADER + f"Zoë Queue,Error,{TEXT},11/3/2026 9:15 AM,11/3/2026 11:15 AM\r\n",
                 encoding)
    data = normalise([read_file(path)])
    assert data.alerts.iloc[0]["mailbox"] == "Zoë Queue"
    assert data.inputs[0].columns[0] == {"role": "mailbox", "column": "Regarding", "how": "header name"}


def test_logical_names_and_utc(tmp_path):
    header = "tracelogid,_regardingobjectid_value@OData.Community.Display.V1.FormattedValue,level,text,createdon,modifiedon\r\n"
    path = write(tmp_path, "api.csv", header + f"1,Sales Queue,3,{TEXT},2026-11-03T09:15:00Z,2026-11-03T10:15:00Z\r\n")
    data = normalise([read_file(path)], tz="Europe/Berlin")
    row = data.alerts.iloc[0]
    assert (row["mailbox"], row["level"]) == ("Sales Queue", "error")
    assert row["created_on"] == pd.Timestamp("2026-11-03 10:15")  # UTC+1 in November


def test_day_first_decided_from_the_column():
    parsed, order = parse_datetimes(pd.Series(["03/11/2026 09:00", "25/11/2026 10:00"]), None, None)
    assert parsed.tolist() == [pd.Timestamp("2026-11-03 09:00"), pd.Timestamp("2026-11-25 10:00")]
    assert order.startswith("day first")


def test_missing_required_column_names_the_option(tmp_path):
    path = write(tmp_path, "bad.csv", "Foo,Bar\r\n1,2\r\n")
    with pytest.raises(InputError, match=r"no column found for text, created_on; headers found: Foo, Bar; .*--column"):
        normalise([read_file(path)])


def test_excel_export_layout_keeps_time_behind_date_only_format():
    table = read_file(SAMPLE_XLSX)
    assert table.sheet != "hiddenSheet"
    data = normalise([table])
    assert data.rows_read == len(data.alerts) + data.duplicates + len(data.rejected)
    assert len(data.rejected) == 0
    # the cells display date only; the time of day must survive
    assert (data.alerts["created_on"].dt.hour > 0).mean() > 0.5
    mapped = {c["role"]: c["column"] for c in data.inputs[0].columns}
    assert mapped["alert_id"] == "(Do Not Modify) Trace" and mapped["last_update_on"] == "Last Update On"


def test_excel_and_csv_of_the_same_month_agree():
    from_xlsx = normalise([read_file(SAMPLE_XLSX)]).alerts
    from_csv = normalise([read_file(SAMPLE_CSV)]).alerts
    assert len(from_xlsx) == len(from_csv)
    # The CSV, as Excel re-saves it, shows minutes only: compare to the minute.
    for frame in (from_xlsx, from_csv):
        for column in ("created_on", "last_update_on"):
            frame[column] = frame[column].dt.floor("min")
    key = ["mailbox", "text", "created_on", "last_update_on"]
    left = from_xlsx.sort_values(key)[key + ["level"]].reset_index(drop=True)
    right = from_csv.sort_values(key)[key + ["level"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)
