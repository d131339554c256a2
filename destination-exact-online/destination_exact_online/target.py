"""The Exact Online half of the destination: plan eAccounting records with the mapping rules against one bulk read of
Exact's state, and send each planned write through the shared Exact Online client."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from destination_exact_online.config import DestinationConfig
from destination_exact_online.lookups import ExactState, stock_only
from destination_exact_online.lost_answers import GOODS_DELIVERIES, WrittenFinder
from destination_exact_online.rejections import ErrorBudget, rejection_of
from exact_online_client import AmbiguousWriteError, ExactOnlineApiError, ExactOnlineClient
from ledgerbridge_mappings import (
    AccountPlanner,
    Action,
    ExactLookups,
    GoodsDeliveryPlanner,
    ItemPlanner,
    PlannedWrite,
    StockCountPlanner,
)
from ledgerbridge_mappings.eaccounting_to_exact.items import filtered_out
from ledgerbridge_mappings.shared.match_keys import code_key
from ledgerbridge_writer import BatchWrite, RecordFailure, RecordWork, RecordWriteError, Target, WriteOutcomeUnknown

CUSTOMERS, ARTICLES, ORDERS = "customers", "articles", "orders"
STOCK_COUNT = "stock count"
# The key of each collection this destination creates in, as Exact names it.
KEY_FIELD = {"salesorder/GoodsDeliveries": "EntryID", "inventory/StockCounts": "StockCountID"}


class ExactOnlineTarget(Target):
    streams = frozenset({CUSTOMERS, ARTICLES, ORDERS})

    def __init__(
        self, config: DestinationConfig, client: ExactOnlineClient, today: date, streams: frozenset[str] | None = None
    ) -> None:
        self.config = config
        self.rules = config.rules
        self.client = client
        self.today = today
        self.division: int | None = config.division
        self._incoming = frozenset(streams) if streams is not None else self.streams
        self.lookups = ExactLookups()
        self._stock_only = stock_only(self.rules)
        self._item_flags_read = False
        self.errors = ErrorBudget()
        self._delivered: dict[str, float] = {}  # order line (lower-case ID) -> quantity delivered in this sync

    # ------------------------------------------------------------------------------------------------ planning

    def load_lookups(self) -> None:
        if self.division is None:
            self.division = self.client.current_division()
        self.state = ExactState(self.client, self.division, self.rules)
        self.lookups = self.state.lookups(self._incoming & self.streams)
        self.accounts = AccountPlanner(self.rules, self.lookups)
        self.items = ItemPlanner(self.rules, self.lookups)
        # A stock-only sync creates no item, so no stock line links to one created in this sync.
        self.stock = StockCountPlanner(self.rules, self.lookups, self.today, None if self._stock_only else self.items)
        self.deliveries = GoodsDeliveryPlanner(self.rules, self.lookups, self.today)
        self.finder = WrittenFinder(self.client, self.division, self.rules)

    def plan(self, stream: str, record: Mapping[str, Any]) -> RecordWork:
        if stream == CUSTOMERS:
            return RecordWork.of(self.accounts.plan_customer(record, stream))
        if stream == ORDERS:
            return RecordWork.of(self.deliveries.plan_order(record, stream))
        if self._stock_only:
            self._know_item_of(record)
            plans = [self.stock.add_article(record, stream)]
        else:
            plans = [self.items.plan_article(record, stream)]
            if not self.rules.stock.enabled:
                return RecordWork.of(*plans)
            plans.append(self.stock.add_article(record, stream))
        stock = plans[-1]
        joins_count = stock.ok and not stock.writes
        return RecordWork.of(*plans, batches={STOCK_COUNT} if joins_count else ())

    def _know_item_of(self, record: Mapping[str, Any]) -> None:
        """A stock-only sync knows the items that hold a stock position. A stock article whose item holds none
        (not counted yet, not a stock item in Exact, or missing) needs the item flags: read in bulk, once per sync,
        only then."""
        if self._item_flags_read or not record.get("IsStock"):
            return
        number = code_key(record.get("Number"))
        if number is None or self.lookups.items.get(number) is not None:
            return
        if filtered_out(self.rules.items.filter, record, number) is not None:
            return
        self.lookups.items = self.state.item_flags()
        self._item_flags_read = True

    def validate(self, work: RecordWork) -> list[RecordFailure]:
        """What the bulk read already tells us Exact would refuse: an account code another account holds."""
        failures = []
        for write in work.writes:
            if write.target_collection == "crm/Accounts" and write.action is Action.CREATE and "Code" in write.body:
                code = code_key(write.body["Code"])
                holder = self.lookups.accounts.by_number.get(code or "")
                if holder is not None:
                    failures.append(
                        RecordFailure(
                            "CustomerNumber",
                            f"Exact account code {code} belongs to another account that does not match on "
                            f"{self.rules.customers.match_key.value}; match on customer_number or let Exact number "
                            "new accounts (use_customer_number_as_code: false)",
                        )
                    )
        return failures

    def batches(self) -> list[BatchWrite]:
        if not self.rules.stock.enabled or not hasattr(self, "stock"):
            return []
        batch = self.stock.stock_count()
        return [] if batch is None else [BatchWrite(STOCK_COUNT, batch.write, list(batch.sources))]

    # ------------------------------------------------------------------------------------------------ writing

    def execute(self, write: PlannedWrite, body: dict[str, Any]) -> str | None:
        collection = write.target_collection
        self.errors.check(collection)
        assert self.division is not None, "load_lookups() runs before the first write"
        try:
            if write.action is Action.CREATE:
                created = self.client.create(collection, body, division=self.division)
                target_id = created.get(KEY_FIELD.get(collection, "ID"))
                if not target_id:
                    raise RecordWriteError(collection, "Exact confirmed the create but returned no key")
            else:
                if write.target_id is None:
                    raise RecordWriteError(collection, f"an update was planned without the id of the {collection}")
                self.client.update(collection, write.target_id, body, division=self.division)
                target_id = write.target_id
        except AmbiguousWriteError as error:
            raise WriteOutcomeUnknown(collection, error.cause) from None
        except ExactOnlineApiError as error:
            self.errors.count(collection)
            raise rejection_of(error, collection) from None
        self._written(write, body)
        return str(target_id)

    def find_written(self, write: PlannedWrite, body: dict[str, Any]) -> str | None:
        found = self.finder.find(write, body, self._delivered_before())
        if found is not None:
            self._written(write, body)
        return found

    def _written(self, write: PlannedWrite, body: dict[str, Any]) -> None:
        if write.target_collection == GOODS_DELIVERIES:
            for line in body.get("GoodsDeliveryLines") or []:
                key = str(line["SalesOrderLineID"]).lower()
                self._delivered[key] = self._delivered.get(key, 0.0) + float(line["QuantityDelivered"])

    def _delivered_before(self) -> dict[str, float]:
        before = {
            line.id.lower(): line.quantity_delivered
            for order in self.lookups.sales_orders.by_number.values()
            for line in order.lines
        }
        for line, quantity in self._delivered.items():
            before[line] = before.get(line, 0.0) + quantity
        return before
