"""Reading back an .xlsx as a spreadsheet program shows it, with the standard library only:
each sheet's cells by reference (shared strings resolved) and its column widths."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class Sheet:
    cells: dict[str, str]  # "B7" -> the value as text
    widths: dict[int, float]  # column number (1-based) -> width in characters

    def row(self, first_cell: str) -> list[str]:
        """The row whose column A holds ``first_cell``, as text, A onwards."""
        number = next(
            int(ref[1:])
            for ref, value in self.cells.items()
            if ref[0] == "A" and value == first_cell
        )
        found = {_column(ref): value for ref, value in self.cells.items() if _row(ref) == number}
        return [found.get(c, "") for c in range(1, max(found) + 1)]

    def text(self) -> str:
        return "\n".join(self.cells.values())


def _column(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref)
    assert letters is not None
    number = 0
    for letter in letters.group(0):
        number = number * 26 + ord(letter) - 64
    return number


def _row(ref: str) -> int:
    return int(re.sub(r"[A-Z]+", "", ref))


def read_sheets(body: bytes) -> dict[str, Sheet]:
    book = zipfile.ZipFile(io.BytesIO(body))
    strings = [
        "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
        for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", NS)
    ]
    rels = {
        r.get("Id"): r.get("Target")
        for r in ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    }
    sheets = {}
    for sheet in ElementTree.fromstring(book.read("xl/workbook.xml")).iter(f"{{{NS['m']}}}sheet"):
        xml = ElementTree.fromstring(book.read("xl/" + str(rels[sheet.get(REL)])))
        cells = {}
        for c in xml.iter(f"{{{NS['m']}}}c"):
            value = c.find("m:v", NS)
            if value is None or value.text is None:
                continue
            cells[str(c.get("r"))] = strings[int(value.text)] if c.get("t") == "s" else value.text
        widths = {}
        for col in xml.iter(f"{{{NS['m']}}}col"):
            for number in range(int(col.get("min", 0)), int(col.get("max", 0)) + 1):
                widths[number] = float(col.get("width", 0))
        sheets[str(sheet.get("name"))] = Sheet(cells, widths)
    return sheets
