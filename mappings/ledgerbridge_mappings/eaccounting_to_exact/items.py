"""eAccounting articles (ArticleApi) → Exact logistics/Items by SKU (article Number = item Code), with the general
sales price written through logistics/SalesItemPrices (Exact's StandardSalesPrice on the item is read-only).

eAccounting's ArticleApi carries no images, so no picture reaches Exact (Exact itself would accept ``Picture``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledgerbridge_mappings.eaccounting_to_exact.item_groups import ITEM_GROUP_FIELD, ItemGroupResolver
from ledgerbridge_mappings.eaccounting_to_exact.lookups import ExactLookups
from ledgerbridge_mappings.eaccounting_to_exact.prices import convert, decimal_of, price_currency
from ledgerbridge_mappings.eaccounting_to_exact.reconciliation import reconcile_price
from ledgerbridge_mappings.eaccounting_to_exact.rules.flow import ExactRules
from ledgerbridge_mappings.eaccounting_to_exact.rules.items import ArticleFilter, PriceBasis, SourcePrice
from ledgerbridge_mappings.eaccounting_to_exact.source_refs import source_ref
from ledgerbridge_mappings.eaccounting_to_exact.updates import changed_fields
from ledgerbridge_mappings.plan import Action, PlannedWrite, RecordPlan, RecordRejected
from ledgerbridge_mappings.shared.amounts import to_number
from ledgerbridge_mappings.shared.field_map import apply_field_map
from ledgerbridge_mappings.shared.match_keys import code_key
from ledgerbridge_mappings.shared.rules.field_map import FieldMapScope
from ledgerbridge_mappings.shared.text import clean, fit

ITEMS = "logistics/Items"
SALES_PRICES = "logistics/SalesItemPrices"
PRICE_FIELD = "Price"  # stands for the sales price in the create-only list
_ITEM_IDENTITY = frozenset({"Code"})


@dataclass(frozen=True, slots=True)
class PlannedItem:
    """An item created in this sync: the key its new ID is linked through, and whether it holds stock."""

    key: str
    is_stock_item: bool


def filtered_out(rules: ArticleFilter, record: Mapping[str, Any], number: str) -> str | None:
    """Why the article does not sync, or ``None`` when it does."""
    if rules.only_active and record.get("IsActive") is False:
        return "inactive article (filter only_active)"
    if rules.number_prefixes and not any(number.startswith(p) for p in rules.number_prefixes):
        return f"number does not start with {rules.number_prefixes} (filter number_prefixes)"
    if rules.only_stock_articles and not record.get("IsStock"):
        return "not a stock article (filter only_stock_articles)"
    if not rules.include_service_articles and record.get("IsServiceArticle"):
        return "service article (filter include_service_articles)"
    return None


def item_key(number: str) -> str:
    return f"{ITEMS}/code:{number}"


def vat_rate(record: Mapping[str, Any]) -> float:
    """Exact stores VAT percentages as fractions (0.21); tolerate a percentage (21) all the same."""
    rate = float(record.get("Percentage") or 0.0)
    return rate / 100.0 if rate > 1 else rate


class ItemPlanner:
    """Plans the Exact writes for eAccounting articles. Build one per sync with that sync's lookups."""

    def __init__(self, rules: ExactRules, lookups: ExactLookups) -> None:
        self.rules = rules.items
        self.lookups = lookups
        self._field_map = rules.field_map.for_scope(FieldMapScope.ITEM)
        self._vat_by_coding = {m.eaccounting_coding.strip().casefold(): m.exact_code for m in self.rules.vat_by_coding}
        self._units = {m.eaccounting_unit.strip().casefold(): m.exact_unit for m in self.rules.unit_map}
        self._groups = ItemGroupResolver(self.rules.item_groups, lookups.item_groups)
        self.planned: dict[str, PlannedItem] = {}

    def plan_article(self, record: Mapping[str, Any], stream: str = "articles") -> RecordPlan:
        return RecordPlan.built(source_ref(stream, record, "Number"), lambda plan: self._plan(record, plan))

    def _plan(self, record: Mapping[str, Any], plan: RecordPlan) -> None:
        rules, ref = self.rules, plan.source_ref
        number = code_key(record.get("Number"))
        if number is None:
            raise RecordRejected("Number", "missing (the article number is the Exact item code)")
        reason = filtered_out(rules.filter, record, number)
        if reason is not None:
            plan.writes.append(PlannedWrite(ITEMS, Action.SKIP, {}, ref, reason))
            return
        body = self.item_body(record, number)
        price = self.sales_price(record, body.get("SalesVatCode")) if rules.prices.enabled else None
        existing = self.lookups.items.get(number)
        key = item_key(number)
        if existing is None:
            if number in self.planned:
                plan.writes.append(PlannedWrite(ITEMS, Action.SKIP, {}, ref, "created earlier in this sync"))
                return
            if not rules.create_missing:
                plan.writes.append(PlannedWrite(ITEMS, Action.SKIP, {}, ref, "no Exact item and creating is off"))
                return
            self.planned[number] = PlannedItem(key, bool(body.get("IsStockItem")))
            plan.writes.append(PlannedWrite(ITEMS, Action.CREATE, body, ref, "new item", key=key))
            if price is not None:
                plan.writes.append(
                    PlannedWrite(
                        SALES_PRICES, Action.CREATE, price, ref, "sales price of new item", links={"Item": key}
                    )
                )
            return
        item_id = str(existing["ID"])
        if not rules.update_existing:
            plan.writes.append(PlannedWrite(ITEMS, Action.SKIP, {}, ref, "exists; updating is off", target_id=item_id))
            return
        changes = self._item_changes(body, existing)
        if changes:
            reason = "changed: " + ", ".join(sorted(changes))
            plan.writes.append(PlannedWrite(ITEMS, Action.UPDATE, changes, ref, reason, target_id=item_id))
        if price is not None and PRICE_FIELD not in rules.create_only_fields:
            self._plan_price(price, item_id, plan)
        if not plan.writes:
            plan.writes.append(PlannedWrite(ITEMS, Action.SKIP, {}, ref, "unchanged", target_id=item_id))

    def _item_changes(self, body: dict[str, Any], existing: Mapping[str, Any]) -> dict[str, Any]:
        return changed_fields(body, existing, self.rules.create_only_fields, _ITEM_IDENTITY)

    def _plan_price(self, price: dict[str, Any], item_id: str, plan: RecordPlan) -> None:
        current = self.lookups.sales_prices.get(item_id, price["Currency"])
        if current is None:
            plan.writes.append(
                PlannedWrite(
                    SALES_PRICES, Action.CREATE, {**price, "Item": item_id}, plan.source_ref, "new sales price"
                )
            )
        elif abs(float(current.get("Price") or 0.0) - price["Price"]) >= 1e-9:
            plan.writes.append(
                PlannedWrite(
                    SALES_PRICES,
                    Action.UPDATE,
                    {"Price": price["Price"]},
                    plan.source_ref,
                    f"price {current.get('Price')} → {price['Price']} {price['Currency']}",
                    target_id=str(current["ID"]),
                )
            )

    # ------------------------------------------------------------------------------------------------ bodies

    def item_body(self, record: Mapping[str, Any], number: str) -> dict[str, Any]:
        long_text = self.rules.long_text
        description = fit(record.get("Name"), 60, "Name", long_text)
        if description is None:
            raise RecordRejected("Name", "missing (Exact requires an item Description)")
        body: dict[str, Any] = {
            "Code": number,
            "Description": description,
            "ExtraDescription": fit(record.get("NameEnglish"), 255, "NameEnglish", long_text),
            "Notes": clean(record.get("Note")),
            "Barcode": self._barcode(record),
            "IsSalesItem": self.rules.sales_item,
            "IsStockItem": bool(record.get("IsStock")) if self.rules.stock_item_from_article else False,
            "Unit": self._unit(record),
            "SalesVatCode": self._vat_code(record),
            ITEM_GROUP_FIELD: self._groups.item_group_id(record, number),
        }
        body = {k: v for k, v in body.items() if v is not None}
        if self._field_map:
            apply_field_map(self._field_map, record, body)
        return body

    @staticmethod
    def _barcode(record: Mapping[str, Any]) -> str | None:
        barcodes = record.get("Barcodes") or []
        if not isinstance(barcodes, list):
            raise RecordRejected("Barcodes", "expected a list of ArticleBarcodeApi objects")
        for index, entry in enumerate(barcodes):
            if not isinstance(entry, Mapping) or entry.get("BarcodeType", 0) != 0:
                continue
            text = clean(entry.get("Barcode"))
            if text is None:
                continue
            if not text.isdigit():
                raise RecordRejected(f"Barcodes[{index}].Barcode", f"{text!r}: Exact barcodes (EAN) are numeric")
            return text
        return None

    def _unit(self, record: Mapping[str, Any]) -> str | None:
        for name in (record.get("UnitAbbreviation"), record.get("UnitName")):
            text = clean(name)
            if text and text.casefold() in self._units:
                return self._units[text.casefold()]
        abbreviation = clean(record.get("UnitAbbreviation"))
        unit = self.lookups.units.get(abbreviation) if abbreviation and abbreviation in self.lookups.units else None
        if unit is not None:
            return code_key(unit.get("Code"))
        return self.rules.default_unit

    def _vat_code(self, record: Mapping[str, Any]) -> str | None:
        code = None
        for name in (record.get("CodingName"), record.get("CodingId")):
            text = clean(name)
            if text and text.casefold() in self._vat_by_coding:
                code = self._vat_by_coding[text.casefold()]
                break
        code = code or self.rules.sales_vat_code
        if code is not None and code not in self.lookups.vat_codes:
            raise RecordRejected("CodingName", f"Exact VAT code {code!r} (items VAT rules) does not exist")
        return code

    def sales_price(self, record: Mapping[str, Any], vat_code: str | None) -> dict[str, Any] | None:
        """The general sales price body: the eAccounting price converted between excl. and incl. VAT with the item's
        VAT rate and into the Exact price list currency with the configured rate, rounded once, then reconciled."""
        prices = self.rules.prices
        source_field = "NetPrice" if prices.source_price is SourcePrice.NET_PRICE else "GrossPrice"
        raw = record.get(source_field)
        if raw is None or raw == "":
            return None
        amount = to_number(raw, source_field)
        if amount < 0:
            raise RecordRejected(source_field, f"negative price {amount}")
        currency = price_currency(prices, self.lookups, source_field)
        source_incl = prices.source_price is SourcePrice.GROSS_PRICE
        target_incl = prices.exact_basis is PriceBasis.INCL_VAT
        factor = Decimal(1)
        if source_incl != target_incl:
            code = self.lookups.vat_codes.get(vat_code) if vat_code else None
            if code is None:
                raise RecordRejected(
                    "CodingName", "no Exact sales VAT code for this article, so its price cannot be converted"
                )
            with_vat = 1 + decimal_of(vat_rate(code))
            factor = with_vat if target_incl else 1 / with_vat
        body = {PRICE_FIELD: convert(amount, currency, prices.decimals, factor), "Currency": currency.target}
        reconcile_price(body, source_field, amount, factor, currency, prices.decimals)
        return body
