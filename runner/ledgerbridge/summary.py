"""The table printed at the end of a run: per connection and entity, what was created, updated, skipped, failed;
API calls per system; time; and every failed record."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .outcome import distinct_lines
from .runs import RunResult


def print_summary(console: Console, result: RunResult) -> None:
    dry = any(o.dry_run for o in result.outcomes)
    table = Table(title=f"ledgerbridge run {result.run_id}" + (" (preview: nothing written)" if dry else ""))
    table.add_column("connection")
    table.add_column("entity")
    for column in ("read", "planned" if dry else "created", "updated", "skipped", "failed"):
        table.add_column(column, justify="right")
    table.add_column("time", justify="right")
    for outcome in result.outcomes:
        if outcome.not_run_because:
            table.add_row(outcome.name, "[yellow]not run", "", "", "", "", "", "")
            continue
        first = True
        # Records per source stream (read, skipped, failed), then writes per target entity (created, updated): a
        # record that creates a customer and updates an order counts once under each.
        for stream, tally in outcome.streams.items():
            table.add_row(
                outcome.name if first else "",
                stream,
                str(tally.read),
                "",
                "",
                str(tally.skipped),
                f"[red]{tally.failed}" if tally.failed else "0",
                f"{outcome.seconds:.1f} s" if first else "",
            )
            first = False
        for entity, tally in sorted(outcome.entities.items()):
            created = tally.planned if dry else tally.created
            table.add_row("", f"→ {entity}", "", str(created), "" if dry else str(tally.updated), "", "", "")
    console.print(table)

    calls: dict[str, int] = {}
    for outcome in result.outcomes:
        for system, count in outcome.api_calls.items():
            calls[system] = calls.get(system, 0) + count
    if calls:
        spent = ", ".join(f"{system} {count}" for system, count in sorted(calls.items()))
        console.print(f"API calls: {spent}", highlight=False)
    else:
        console.print("API calls: not reported by these connectors", highlight=False)
    console.print(f"Total time: {result.seconds:.1f} s", highlight=False)

    problems = [
        line
        for outcome in result.outcomes
        for line in (
            ([f"{outcome.name}: not run — {outcome.not_run_because}"] if outcome.not_run_because else [])
            + [f"{outcome.name}: {error}" for error in outcome.errors]
            + distinct_lines([failure.line() for failure in outcome.failures])
        )
    ]
    if problems:
        console.print(f"[red bold]{len(problems)} problem(s):")
        for line in problems:
            console.print(f"  {line}", highlight=False, markup=False)
