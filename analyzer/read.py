"""Stage 1, read: export files (Excel, CSV, Web API JSON) -> raw tables of strings and cells.

Nothing is interpreted here beyond finding the sheet and the header row; roles, dates and
levels are the normalise stage's job.
"""
from __future__ import annotations

import codecs
import csv
import re
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import InputError

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
JSON_SUFFIXES = {".json"}
SUPPORTED_SUFFIXES = EXCEL_SUFFIXES | CSV_SUFFIXES | JSON_SUFFIXES

# Words that mark a header row of an alert export, in the languages the column mapper knows.
_HEADER_HINTS = ("text", "regarding", "created", "level", "tracelog", "createdon", "modifiedon", "trace")

# Defensive limits: a hostile workbook must fail clearly rather than exhaust memory.
MAX_UNCOMPRESSED_BYTES = 1_500_000_000
MAX_FILE_BYTES = 1_000_000_000
MAX_SHEET_CELLS = 12_000_000  # the reader allocates rows x columns; a real export is far below
_ROW_NUMBER = re.compile(rb'<row [^>]*?r="(\d+)"')
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{2,3})\d')


@dataclass
class RawTable:
    source: str  # the path as given
    format: str  # xlsx | csv | json
    frame: pd.DataFrame  # one column per header, values as read, index 0..n-1
    sheet: str = ""
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.frame)


def expand_inputs(paths: list[str | Path]) -> list[Path]:
    """Files as given, folders as their supported files (sorted), each once."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                           and not p.name.startswith(("~$", ".")))
            if not found:
                raise InputError(
                    f"{path}: folder has no supported export files ({', '.join(sorted(SUPPORTED_SUFFIXES))})"
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            raise InputError(f"{path}: not a regular file")
        else:
            raise InputError(f"{path}: no such file or folder")
    unique: list[Path] = []
    for path in files:
        if path.resolve() not in {p.resolve() for p in unique}:
            unique.append(path)
    if not unique:
        raise InputError("no input files given")
    return unique


def read_file(path: Path, sheet: str | None = None) -> RawTable:
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if size == 0:
        raise InputError(f"{path}: file is empty")
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path}: file is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    if suffix in EXCEL_SUFFIXES:
        return read_excel(path, sheet)
    if suffix in JSON_SUFFIXES:
        return read_json(path)
    if suffix in CSV_SUFFIXES:
        return read_csv(path)
    raise InputError(
        f"{path}: unsupported file type '{suffix or '(none)'}'; expected one of "
        f"{', '.join(sorted(SUPPORTED_SUFFIXES))}"
    )


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        with path.open("rb") as handle:
            head = handle.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise InputError(
                f"{path}: workbook is password-protected or in the old .xls format; "
                "open it in Excel and save it as an unprotected .xlsx"
            ) from None
        raise InputError(f"{path}: not a valid .xlsx workbook (the file is truncated or corrupt)") from None
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError(f"{path}: workbook unpacks to {total // 1_000_000} MB, over the safety limit")
    _check_sheet_extent(path)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_sheet_extent(path: Path) -> None:
    """Refuse sheets whose cells span more rows x columns than a real export could (a cell at
    XFD1048576 would make the reader allocate billions of cells). Streams each sheet's XML once."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            max_row, max_column, tail = 0, 1, b""
            with archive.open(info) as stream:
                while chunk := stream.read(16 * 1024 * 1024):
                    window = tail + chunk
                    # Rows come in ascending order: the last <row> of a chunk holds its highest number.
                    last = window.rfind(b"<row ")
                    found = _ROW_NUMBER.match(window, last) if last >= 0 else None
                    if found:
                        max_row = max(max_row, int(found.group(1)))
                    wide = _WIDE_CELL.findall(window)
                    if wide:
                        max_column = max(max_column, max(_column_number(c) for c in set(wide)))
                    tail = window[-64:]
                    if max_row * max_column > MAX_SHEET_CELLS:
                        raise InputError(
                            f"{path}: sheet {info.filename.rsplit('/', 1)[-1]} spans {max_row:,} rows x "
                            f"{max_column:,} columns, over the safety limit of {MAX_SHEET_CELLS:,} cells"
                        )


def _header_score(row: list[object]) -> int:
    """How many cells of a row are known column names (0: not a header row)."""
    from .columns import KNOWN_HEADERS

    cells = [" ".join(str(cell).split()).lower() for cell in row if cell not in (None, "")]
    if len(cells) < 2 or not any(any(hint in cell for hint in _HEADER_HINTS) for cell in cells):
        return 0
    return 1 + sum(cell in KNOWN_HEADERS for cell in cells)


def read_excel(path: Path, sheet: str | None = None) -> RawTable:
    import python_calamine

    _check_zip(path)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        metadata = workbook.sheets_metadata
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise InputError(f"{path}: cannot open workbook ({type(exc).__name__}: {exc})") from None
    names = [m.name for m in metadata]
    visible = [m.name for m in metadata if "hidden" not in str(m.visible).lower()]
    if sheet is not None:
        if sheet not in names:
            raise InputError(f"{path}: no sheet named {sheet!r}; sheets: {', '.join(names)} (use --sheet NAME)")
        order = [sheet]
    else:
        # Hidden sheets (the export's metadata sheet) are never the data sheet.
        order = list(visible) or names
    if sheet is None:
        # Alerts only in a hidden sheet are still alerts: look there last.
        order += [name for name in names if name not in order]
    notes: list[str] = []
    for name in order:
        try:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine: XmlError, ZipError, CalamineError ...
            raise InputError(f"{path}: cannot read sheet {name!r} ({type(exc).__name__}: {exc})") from None
        # The header is the row among the first 50 with most known column names (a title row
        # mentioning "Text" loses to the real header below it).
        scores = [_header_score(row) for row in rows[:50]]
        if not scores or max(scores) == 0:
            continue
        header_index = scores.index(max(scores))
        header = [str(cell).strip() if cell is not None else "" for cell in rows[header_index]]
        body = rows[header_index + 1:]
        frame = _frame_from_rows(header, body)
        if len(order) > 1 and name != order[0]:
            notes.append(f"alerts taken from sheet {name!r}")
        if name not in visible:
            notes.append(f"sheet {name!r} is hidden in the workbook")
        return RawTable(source=str(path), format=path.suffix.lower().lstrip("."), frame=frame, sheet=name,
                        notes=notes)
    raise InputError(
        f"{path}: no sheet with an alert header row (looked at: {', '.join(order)}); "
        "use --sheet NAME to choose the sheet"
    )


def _unique_headers(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for index, name in enumerate(header):
        name = name or f"column {index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        result.append(name)
    return result


def _frame_from_rows(header: list[str], body: list[list[object]]) -> pd.DataFrame:
    width = len(header)
    # Trailing fully-empty rows are formatting, not alerts.
    while body and all(cell in (None, "") for cell in body[-1]):
        body.pop()
    # calamine returns a rectangle: build the frame directly, cutting columns right of the header.
    frame = pd.DataFrame(body, dtype=object) if body else pd.DataFrame(columns=range(width), dtype=object)
    frame = frame.iloc[:, :width]
    for missing in range(frame.shape[1], width):
        frame[missing] = None
    frame.columns = _unique_headers(header)
    return frame.reset_index(drop=True)


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    head = raw[:4096]
    if head.count(b"\x00") * 3 > len(head) and len(head) >= 4:
        # UTF-16 without a BOM: every other byte of ASCII text is zero.
        if head[1::2].count(0) > len(head) * 0.4:
            return raw.decode("utf-16-le", errors="replace"), "utf-16-le (no BOM)"
        if head[0::2].count(0) > len(head) * 0.4:
            return raw.decode("utf-16-be", errors="replace"), "utf-16-be (no BOM)"
    if b"\x00" in head:
        raise InputError(f"{path}: looks like a binary file, not CSV text")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", errors="cp1252_fallback")
    # Mostly valid UTF-8 with a few stray bytes: keep the UTF-8 and read the strays as cp1252.
    # No valid multi-byte UTF-8 at all: a plain cp1252 file (Excel's "CSV" on Western Windows).
    if _has_utf8_sequences(raw):
        return text, "utf-8 (with stray cp1252 bytes)"
    return raw.decode("cp1252", errors="replace"), "cp1252"


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start:error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("cp1252_fallback", _cp1252_fallback)
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _has_utf8_sequences(raw: bytes) -> bool:
    return _UTF8_SEQUENCE.search(raw) is not None


def read_csv(path: Path) -> RawTable:
    raw = path.read_bytes()
    text, encoding = _decode(raw, path)
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        raise InputError(f"{path}: no comma, semicolon or tab in the header line; not a CSV export")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            quoting=csv.QUOTE_MINIMAL, engine="c")
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"{path}: cannot parse as CSV ({exc})") from None
    frame.columns = _unique_headers([str(c).strip() for c in frame.columns])
    return RawTable(source=str(path), format="csv", frame=frame.astype(object), encoding=encoding,
                    delimiter={"\t": "tab"}.get(delimiter, delimiter))


def read_json(path: Path) -> RawTable:
    text, encoding = _decode(path.read_bytes(), path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply to be an export") from None
    records = data.get("value") if isinstance(data, dict) else data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InputError(f"{path}: expected a Web API response {{\"value\": [...]}} or a list of records")
    frame = pd.DataFrame.from_records(records).astype(object) if records else pd.DataFrame()
    for column in frame.columns:
        # Nested objects (expanded lookups) are kept as their JSON text, one column at a time.
        if pd.api.types.infer_dtype(frame[column], skipna=True) == "mixed":
            frame[column] = frame[column].map(
                lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
    return RawTable(source=str(path), format="json", frame=frame, encoding=encoding)
