"""``ledgerbridge reconcile FILE [--connection NAME] [--since DATE] [--format table|csv|json] [--output PATH]``.

Every argument, the connection file, the connector configs and the mapping rules are checked before either system
is read (exit 2); then exit 0 when both sides agree and 1 when anything differs or could not be compared.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Literal

from rich.console import Console

from .connection_file import load_connection_file
from .home import DataHome
from .reconcile import DocumentFlow, document_flows, reconcile_documents
from .reconcile_master_data import MasterDataFlow, master_data_flows, reconcile_master_data
from .reconcile_report import FileSink, Report

EXIT_OK, EXIT_DIFFERENT, EXIT_USAGE = 0, 1, 2


class ReconcileUsageError(ValueError):
    pass


def parse_since(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReconcileUsageError(f"--since {text!r}: not a date (use YYYY-MM-DD, e.g. 2026-11-01)") from None


def output_format(chosen: str | None, output: Path | None) -> Literal["csv", "json"] | None:
    """The file format, from --format or else the --output file's suffix; None when no file is written."""
    if output is None:
        if chosen in ("csv", "json"):
            raise ReconcileUsageError(f"--format {chosen} needs --output PATH (the file to write)")
        return None
    kind = chosen if chosen in ("csv", "json") else output.suffix.lower().lstrip(".")
    if kind not in ("csv", "json"):
        raise ReconcileUsageError(
            f"--output {output}: say --format csv or --format json (or end the name in .csv/.json)"
        )
    if not output.parent.is_dir():
        raise ReconcileUsageError(f"--output {output}: folder {output.parent} does not exist")
    return kind  # type: ignore[return-value]


def run_reconcile(arguments: argparse.Namespace, home: DataHome, console: Console) -> int:
    errors = Console(stderr=True)
    try:
        since = parse_since(arguments.since)
        kind = output_format(arguments.format, arguments.output)
    except ReconcileUsageError as error:
        errors.print(f"[red]error:[/red] {error}", highlight=False)
        return EXIT_USAGE
    connections = load_connection_file(arguments.connection_file)
    documents = document_flows(connections, arguments.connection)
    master_data = master_data_flows(connections, arguments.connection)
    if arguments.connection is not None and not documents and not master_data:
        errors.print(
            f"[red]error:[/red] connection {arguments.connection!r} moves neither Exact documents into eAccounting "
            "nor eAccounting customers or articles into Exact; nothing to reconcile",
            highlight=False,
        )
        return EXIT_USAGE
    report = Report(FileSink(arguments.output, kind) if kind is not None and arguments.output else None)
    reconcile_flows(documents, master_data, home, report, since)
    report.print(console)
    return EXIT_OK if report.clean else EXIT_DIFFERENT


def reconcile_flows(
    documents: list[DocumentFlow], master_data: list[MasterDataFlow], home: DataHome, report: Report, since: date | None
) -> None:
    """Every flow into ``report``; the report's file is complete (and closed) even when a read fails halfway."""
    try:
        reconcile_documents(documents, home, report, since)
        reconcile_master_data(master_data, home, report)
    finally:
        report.close()
