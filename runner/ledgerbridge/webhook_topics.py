"""Which Exact webhook topics a connection file needs, and which connections an event concerns.

A connection is woken by a topic when its source is source-exact-online and it reads, incrementally, a stream that
topic reports changes of. Streams read in full on every run (accounts, shipping methods beside the orders) are
context, not a reason to run: a new account alone has nothing to book.
"""

from __future__ import annotations

from pathlib import Path

from .config_files import ConfigFileError, read_config
from .connection_file import Connection, ConnectionFile

EXACT_SOURCE = "source-exact-online"
# source-exact-online's streams by the webhook topic that reports their changes (research/exact-online.md §9).
STREAMS_OF_TOPIC: dict[str, frozenset[str]] = {
    "SalesOrders": frozenset({"sales_orders", "sales_order_headers"}),
    "SalesInvoices": frozenset({"sales_invoices", "sales_invoice_headers"}),
    "GoodsDeliveries": frozenset({"goods_deliveries"}),
    "Accounts": frozenset({"accounts"}),
    "Contacts": frozenset({"contacts"}),
    "Items": frozenset({"items", "sales_item_prices"}),
    "StockPositions": frozenset({"stock_positions"}),
    "FinancialTransactions": frozenset({"transaction_lines"}),
    "GLAccounts": frozenset({"gl_accounts"}),
}


def woken_streams(connection: Connection) -> set[str]:
    if Path(connection.source.connector).name != EXACT_SOURCE:
        return set()
    return {s.name for s in connection.streams if s.sync_mode != "full_refresh"}


def topics_of(connection: Connection) -> set[str]:
    streams = woken_streams(connection)
    return {topic for topic, names in STREAMS_OF_TOPIC.items() if names & streams}


def divisions_of(connection: Connection) -> set[int] | None:
    """The source's divisions; None when it reads the current division (known only to Exact)."""
    try:
        listed = read_config(connection.source.config).get("divisions")
    except ConfigFileError:
        return None
    if isinstance(listed, list) and listed:
        return {int(d) for d in listed}
    return None


def connections_for(connections: ConnectionFile, topic: str, division: int) -> list[Connection]:
    woken = []
    for connection in connections.connections:
        if topic not in topics_of(connection):
            continue
        divisions = divisions_of(connection)
        if divisions is None or division in divisions:
            woken.append(connection)
    return woken
