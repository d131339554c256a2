"""Failure notifications through apprise: any URL it knows (webhook ``json://``, e-mail ``mailto://``, Slack, Teams…).

The message names the connection, the stream, the record and the error — ids and field names only, as in the
activity log — and never a configuration value.
"""

from __future__ import annotations

from collections.abc import Sequence

import apprise

from .outcome import ConnectionOutcome, distinct_lines

MAX_LISTED = 50


def failure_message(outcomes: Sequence[ConnectionOutcome], run_id: str) -> tuple[str, str] | None:
    failing = [o for o in outcomes if not o.ok]
    if not failing:
        return None
    records = sum(len(o.failures) for o in failing)
    title = f"ledgerbridge run {run_id}: {records} record(s) failed" if records else f"ledgerbridge run {run_id} failed"
    lines: list[str] = []
    for outcome in failing:
        if outcome.not_run_because:
            lines.append(f"{outcome.name}: not run — {outcome.not_run_because}")
        lines.extend(f"{outcome.name}: {error}" for error in outcome.errors)
        lines.extend(distinct_lines([failure.line() for failure in outcome.failures]))
    if len(lines) > MAX_LISTED:
        lines = [*lines[:MAX_LISTED], f"… and {len(lines) - MAX_LISTED} more (see `ledgerbridge log --action failed`)"]
    return title, "\n".join(lines)


def notify_failures(urls: Sequence[str], outcomes: Sequence[ConnectionOutcome], run_id: str) -> bool | None:
    """Sends one message for the run if anything failed; None when there was nothing to send or nowhere to send it."""
    message = failure_message(outcomes, run_id)
    if message is None or not urls:
        return None
    sender = apprise.Apprise()
    for url in urls:
        sender.add(url)
    title, body = message
    return bool(sender.notify(title=title, body=body, notify_type=apprise.NotifyType.FAILURE))
