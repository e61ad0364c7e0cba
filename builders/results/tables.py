"""Reading the tables people really have: CSV (any common delimiter, UTF-8 with or without BOM)
and XLSX; every cell keeps its row and column for error messages."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from builders.diagnostics import Diagnostic, SourceLoc

MAX_BYTES = 50_000_000


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
        data = path.read_bytes()
    except OSError as exc:
        raise _error(name, f"cannot read the file: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise _error(name, "the file is larger than 50 MB")
    if data[:2] == b"PK":
        cells = _xlsx(data, name)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        cells = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    numbered = [(i, row) for i, row in enumerate(cells, start=1) if any(c for c in row)]
    if not numbered:
        raise _error(name, "the file has no rows")
    (_, header), *rows = numbered
    return Table(name, header, rows)


def _xlsx(data: bytes, name: str) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _error(name, f"not a readable XLSX file ({type(exc).__name__})") from None
    sheet = book.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(
            [
                "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)).strip()
                for v in row
            ]
        )
    book.close()
    return rows
