"""What ``reconcile`` found, per document, and where it goes: a table on the terminal, a CSV or JSON file.

Findings are written as they are made (the file is streamed, never built in memory), so a reconciliation of a
hundred thousand documents costs the same memory as one of a thousand. The terminal shows every document that is
not equal (up to ``TABLE_LIMIT`` rows; the file has them all) and one summary line.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Literal

import orjson
from rich.console import Console
from rich.table import Table

TABLE_LIMIT = 200
Format = Literal["table", "csv", "json"]


class Status(StrEnum):
    OK = "ok"  # on both sides, equal
    MISSING = "missing"  # in the source, qualifies, not in the target
    ORPHAN = "orphan"  # in the target carrying our reference, no source document
    DIFFERS = "differs"  # totals, VAT, currency (or a master-data field) differ
    NOT_COMPARABLE = "not_comparable"  # the two sides cannot be compared (the reason is in ``note``)


@dataclass(frozen=True, slots=True)
class Finding:
    """One row of the report; a document that differs in two fields gives two rows."""

    connection: str
    reference: str  # "Exact SO 1042", or a customer number / SKU for master data
    status: Status
    field: str = ""
    eaccounting: float | str | None = None
    exact: float | str | None = None
    note: str = ""  # the likely cause, the rules that explain a difference, or why it cannot be compared


COLUMNS = ("connection", "reference", "status", "field", "eaccounting", "exact", "note")


@dataclass
class Tally:
    """Documents (not rows) per status."""

    counts: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))

    def add(self, status: Status) -> None:
        self.counts[status] += 1

    @property
    def documents(self) -> int:
        return sum(self.counts.values())

    @property
    def differences(self) -> int:
        return self.documents - self.counts[Status.OK] - self.counts[Status.NOT_COMPARABLE]

    def line(self) -> str:
        c = self.counts
        text = (
            f"{self.documents} documents: {c[Status.OK]} equal, {c[Status.MISSING]} missing, "
            f"{c[Status.ORPHAN]} orphans, {c[Status.DIFFERS]} differ"
        )
        if c[Status.NOT_COMPARABLE]:
            text += f", {c[Status.NOT_COMPARABLE]} not comparable"
        return f"{text} — {self.differences} differences" if self.differences else f"{text} — 0 differences"


def _cell(value: float | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


class FileSink:
    """Rows straight into a CSV or JSON file (JSON: ``{"documents": [...], "summary": {...}}``)."""

    def __init__(self, path: Path, kind: Literal["csv", "json"]) -> None:
        self.path = path
        self.kind = kind
        self._handle: IO[str] = path.open("w", encoding="utf-8", newline="")
        self._first = True
        if kind == "csv":
            self._csv = csv.writer(self._handle)
            self._csv.writerow(COLUMNS)
        else:
            self._handle.write('{"documents": [\n')

    def write(self, finding: Finding) -> None:
        if self.kind == "csv":
            self._csv.writerow([finding.status.value if c == "status" else _cell(getattr(finding, c)) for c in COLUMNS])
            return
        row = asdict(finding)
        row["status"] = finding.status.value
        self._handle.write(("" if self._first else ",\n") + orjson.dumps(row).decode())
        self._first = False

    def close(self, tally: Tally) -> None:
        if self.kind == "json":
            summary = {
                "documents": tally.documents,
                "differences": tally.differences,
                **{status.value: count for status, count in tally.counts.items()},
            }
            self._handle.write('\n], "summary": ' + orjson.dumps(summary).decode() + "}\n")
        self._handle.close()


class Report:
    """Takes every finding: counts it, keeps the first ``TABLE_LIMIT`` that are not equal, streams all to a file."""

    def __init__(self, sink: FileSink | None = None) -> None:
        self.tally = Tally()
        self.sink = sink
        self.shown: list[Finding] = []
        self.hidden = 0

    def document(self, findings: list[Finding]) -> None:
        """All rows of one document (they share its status)."""
        self.tally.add(findings[0].status)
        for finding in findings:
            if self.sink is not None:
                self.sink.write(finding)
            if finding.status is not Status.OK:
                if len(self.shown) < TABLE_LIMIT:
                    self.shown.append(finding)
                else:
                    self.hidden += 1

    @property
    def clean(self) -> bool:
        """Nothing differs and nothing was left uncompared."""
        return self.tally.differences == 0 and self.tally.counts[Status.NOT_COMPARABLE] == 0

    def close(self) -> None:
        if self.sink is not None:
            self.sink.close(self.tally)

    def print(self, console: Console) -> None:
        if self.shown:
            table = Table(title="reconcile: documents that are not equal")
            for column in COLUMNS:
                table.add_column(column, justify="right" if column in ("eaccounting", "exact") else "left")
            for finding in self.shown:
                style = {Status.NOT_COMPARABLE: "yellow"}.get(finding.status, "red")
                table.add_row(
                    finding.connection,
                    finding.reference,
                    f"[{style}]{finding.status.value}[/{style}]",
                    finding.field,
                    _cell(finding.eaccounting),
                    _cell(finding.exact),
                    finding.note,
                )
            console.print(table)
            if self.hidden:
                console.print(f"… and {self.hidden} more rows (all are in the --output file)", highlight=False)
        console.print(self.tally.line(), highlight=False)
        if self.sink is not None:
            console.print(f"Report: {self.sink.path}", highlight=False)
