"""Reading the tables people really have: CSV (any common delimiter, UTF-8 with or without BOM)
and XLSX; every cell keeps its row and column for error messages."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from builders.diagnostics import Diagnostic, SourceLoc
from builders.input_files import read_at_most

MAX_BYTES = 50_000_000
MAX_UNPACKED = 500_000_000  # an XLSX is a zip: 50 MB of it could unpack to thousands of times more


class TableError(ValueError):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class Table:
    path: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (1-based row number in the file, cells)

    def loc(self, row: int, column: int = 0) -> SourceLoc:
        return SourceLoc(self.path, row, column + 1)


def _error(path: str, message: str, row: int = 1, col: int = 1, hint: str = "") -> TableError:
    return TableError(Diagnostic("error", "results.file", message, SourceLoc(path, row, col), hint))


def read_table(path: Path) -> Table:
    """The first sheet or the CSV, header first; blank rows dropped."""
    name = str(path)
    try:
        data = read_at_most(path, MAX_BYTES)
    except OSError as exc:
        raise _error(name, f"cannot read the file: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise _error(name, "the file is larger than 50 MB")
    cells = _xlsx(data, name) if data[:2] == b"PK" else _csv(data, name)
    numbered = [(i, row) for i, row in enumerate(cells, start=1) if any(c for c in row)]
    if not numbered:
        raise _error(name, "the file has no rows")
    (_, header), *rows = numbered
    return Table(name, header, rows)


def _csv(data: bytes, name: str) -> list[list[str]]:
    """UTF-8 (what Moodle writes) or Windows-1252 (what Excel may save)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            where = SourceLoc.of_byte(name, data, exc.start)
            raise _error(name, "the file is neither UTF-8 nor Windows-1252 text", where.line,
                         where.col, "save it again as CSV UTF-8") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        return [[c.strip() for c in row] for row in reader]
    except csv.Error as exc:  # a cell of over 128 kB, say: no grade report has one
        raise _error(name, f"not a readable CSV file: {exc}", reader.line_num) from None


def _xlsx(data: bytes, name: str) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _error(name, f"not a readable XLSX file ({exc})") from None
    if unpacked > MAX_UNPACKED:
        raise _error(name, f"the workbook unpacks to more than {MAX_UNPACKED // 1_000_000} MB")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = [
            ["" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)).strip()
             for v in row]
            for row in book.worksheets[0].iter_rows(values_only=True)
        ]
        book.close()
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _error(name, f"not a readable XLSX file ({type(exc).__name__})") from None
    return rows
