"""Writing files: atomically (a failed run leaves earlier outputs untouched) and safely
(no CSV/XLSX cell can start a formula)."""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from .errors import UsageError

CLASSIFIED_COLUMNS = (
    "alert_id", "mailbox", "regarding_type", "owner", "level", "text", "details", "created_on", "last_update_on",
    "source", "row", "direction", "family", "code", "code_hex", "rule", "known", "category", "transient", "title",
)
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_CELL_LIMIT = 32_767


def xlsx_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel cannot store control characters or cells over 32,767 characters."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            values = safe[column]
            text = values.astype(str)
            fix = text.str.contains(_XLSX_ILLEGAL) | (text.str.len() > XLSX_CELL_LIMIT)
            if fix.any():
                cleaned = text[fix].str.replace(_XLSX_ILLEGAL, "\ufffd", regex=True).str.slice(0, XLSX_CELL_LIMIT - 1)
                safe.loc[fix, column] = cleaned.where(cleaned.str.len() < XLSX_CELL_LIMIT - 1, cleaned + "…")
    return safe


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text a spreadsheet would read as a formula gets a leading apostrophe; plain numbers stay."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            values = safe[column].astype(object)
            text = values.astype(str)
            risky = text.str.match(_FORMULA_START) & ~text.str.match(_PLAIN_NUMBER)
            safe[column] = values.where(~risky, "'" + text)
    return safe


def _target(path: Path) -> Path:
    """Where an output really goes: a symlink's target; never a folder or a device."""
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and path.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name for the output")
    if path.exists() and not path.is_file():
        raise UsageError(f"{path}: is not a regular file (a device or pipe); give a file name for the output")
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise UsageError(f"{path}: folder {directory} does not exist")
    return path


def write_all_atomic(files: list[tuple[Path, bytes]]) -> None:
    """Write every output to a temporary file first; only when all are written, move them into
    place. A failure on any output leaves every earlier file untouched."""
    staged: list[tuple[str, Path]] = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        for path, data in files:
            target = _target(path)
            try:
                handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            except OSError as exc:
                raise UsageError(f"{path}: cannot write here ({exc.strerror})") from None
            staged.append((temporary, target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            # mkstemp makes the file private (0600); an output gets the usual mode for new files.
            os.chmod(temporary, 0o666 & ~umask)
        for temporary, target in staged:
            os.replace(temporary, target)
    except BaseException:
        for temporary, _ in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)
        raise



def json_bytes(summary: dict) -> bytes:
    return (json.dumps(summary, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def classified_frame(classified: pd.DataFrame) -> pd.DataFrame:
    frame = classified[list(CLASSIFIED_COLUMNS)].copy()
    for column in ("created_on", "last_update_on"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%dT%H:%M:%S")
    return frame


def csv_bytes(frame: pd.DataFrame) -> bytes:
    # UTF-8 with BOM so Excel opens accented mailbox names correctly.
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


DATE_COLUMNS = ("first_seen", "last_seen", "created_on", "last_update_on")


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Sheets with a bold frozen header row, filters, widths from the content, dates as dates."""
    import io

    from openpyxl.styles import Font, PatternFill

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame = xlsx_safe_frame(neutralise_frame(frame))
            for column in DATE_COLUMNS:
                if column in frame:
                    frame[column] = pd.to_datetime(frame[column], errors="coerce")
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = sheet.dimensions
            sample = frame.head(200)
            for index, column in enumerate(frame.columns, start=1):
                header = sheet.cell(row=1, column=index)
                header.font = Font(bold=True)
                header.fill = PatternFill("solid", fgColor="DDE3EA")
                longest = sample[column].astype(str).str.len().max() if len(sample) else 0
                width = max(len(str(column)) + 2, min(int(longest or 0) + 2, 60))
                sheet.column_dimensions[header.column_letter].width = width
                if column in DATE_COLUMNS:
                    for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                        cell.number_format = "yyyy-mm-dd hh:mm"
    return buffer.getvalue()
