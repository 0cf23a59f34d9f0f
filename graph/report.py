"""The import report: a line for every value repaired, row rejected, organisation merged or beneficiary
placed coarsely, written as JSON or CSV. No HTTP."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from graph.errors import BadParameter

__all__ = ["Note", "REPORT_FORMATS", "write_report", "summary"]

#: The report's formats, by the extension of its file name.
REPORT_FORMATS = (".json", ".csv")


@dataclass(frozen=True)
class Note:
    """A line of the report: where (``file``, ``row`` as numbered in the file, ``column``),
    the value, what was done (``repaired``, ``placed by country``, ``merged``, ``left out``,
    ``rejected``) and why."""

    row: int
    column: str
    value: str
    action: str
    reason: str
    file: str = ""


def summary(notes: Iterable[Note]) -> dict[str, int]:
    """How many notes of each action, in name order."""
    return dict(sorted(Counter(n.action for n in notes).items()))


def write_report(path: Path | str, notes: list[Note], about: Mapping[str, Any]) -> None:
    """Write the report to ``path``: JSON (``about``, the counts by action, and the notes) or
    CSV (a row a note: file, row, column, value, action, reason), by its extension.

    Raises
    ------
    BadParameter
        When the extension is neither ``.json`` nor ``.csv``, or the file cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise BadParameter(f"the report must be a .json or .csv file, not {path.name!r}",
                           {"param": "report", "value": str(path)})
    try:
        with open(path, "w", encoding="utf8", newline="") as f:
            if suffix == ".json":
                json.dump({**about, "notes_by_action": summary(notes),
                           "notes": [asdict(n) for n in notes]}, f, indent=2, ensure_ascii=False, default=str)
                f.write("\n")
            else:
                names = ["file", "row", "column", "value", "action", "reason"]
                assert set(names) == {x.name for x in fields(Note)}
                out = csv.DictWriter(f, names)
                out.writeheader()
                out.writerows(asdict(n) for n in notes)
    except OSError as e:
        raise BadParameter(f"cannot write the report {path}: {e.strerror}", {"param": "report"}) from e
