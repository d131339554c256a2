"""Exact sales orders and sales invoices → eAccounting orders, customer invoice drafts, customer invoices or vouchers.

The rules run in a fixed order per record: status filter, "already written" check (before anything is created for
it), customer, rows (articles, discounts, VAT, cost centres, shipping), header, field map. Any rule that cannot decide
rejects the record with the field it stopped at; the other records still map.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ledgerbridge_mappings.exact_to_eaccounting.cost_centres import CostCentreResolver
from ledgerbridge_mappings.exact_to_eaccounting.currency import Conversion, CurrencyResolver, convert_all
from ledgerbridge_mappings.exact_to_eaccounting.customers import CustomerChoice, CustomerPlanner
from ledgerbridge_mappings.exact_to_eaccounting.discounts import combine
from ledgerbridge_mappings.exact_to_eaccounting.documents import (
    SalesDocument,
    SalesLine,
    read_sales_invoice,
    read_sales_order,
)
from ledgerbridge_mappings.exact_to_eaccounting.lookups import ArticleRef, EAccountingLookups
from ledgerbridge_mappings.exact_to_eaccounting.payment_terms import TermsResolver
from ledgerbridge_mappings.exact_to_eaccounting.reconciliation import DocumentTotals, Explained
from ledgerbridge_mappings.exact_to_eaccounting.row_prices import RowPrice, price_row
from ledgerbridge_mappings.exact_to_eaccounting.rules.discounts import OrderDiscountMode
from ledgerbridge_mappings.exact_to_eaccounting.rules.documents import OrderTarget
from ledgerbridge_mappings.exact_to_eaccounting.rules.flow import EAccountingRules
from ledgerbridge_mappings.exact_to_eaccounting.rules.vat import CountryBasis
from ledgerbridge_mappings.exact_to_eaccounting.shipping import ShippingDecision, ShippingResolver
from ledgerbridge_mappings.exact_to_eaccounting.vat import VatDecision, VatResolver
from ledgerbridge_mappings.exact_to_eaccounting.write_guard import guard_totals
from ledgerbridge_mappings.plan import Action, PlannedWrite, RecordPlan, RecordRejected, SourceRef
from ledgerbridge_mappings.shared.amounts import money, round_half_up, split_total
from ledgerbridge_mappings.shared.countries import is_eu, normalise_country
from ledgerbridge_mappings.shared.field_map import apply_field_map
from ledgerbridge_mappings.shared.references import document_reference
from ledgerbridge_mappings.shared.rules.field_map import FieldMapScope
from ledgerbridge_mappings.shared.text import clean, fit, iso_date
from ledgerbridge_mappings.shared.vat_scenarios import VatParty, VatScenario

TARGET_COLLECTION = {
    OrderTarget.ORDER: "orders",
    OrderTarget.INVOICE_DRAFT: "customerinvoicedrafts",
    OrderTarget.INVOICE: "customerinvoices",
    OrderTarget.VOUCHER: "vouchers",
}
UPDATABLE = frozenset({OrderTarget.ORDER, OrderTarget.INVOICE_DRAFT})
ARTICLES = "articles"


@dataclass(slots=True)
class _Row:
    """A row before it is shaped for the target's row schema, with what the guard needs to check it."""

    article: ArticleRef | None
    article_key: str | None
    text: str | None
    quantity: float
    price: RowPrice
    vat: VatDecision | None
    vat_rate: float  # fraction the planned VAT is computed with
    exact_vat: float | None  # Exact's VAT for what this row carries; None for rows a rule adds
    cost_centres: dict[str, str]
    line: SalesLine | None

    @property
    def net(self) -> float:
        return self.price.net


class SalesDocumentPlanner:
    """Plans the eAccounting writes for Exact sales documents. Build one per sync with that sync's lookups."""

    def __init__(self, rules: EAccountingRules, lookups: EAccountingLookups) -> None:
        self.rules = rules
        self.lookups = lookups
        self.vat = VatResolver(rules.vat, lookups.vat_codes)
        self.terms = TermsResolver(rules.payment_terms, lookups.terms_of_payment)
        self.shipping = ShippingResolver(rules.shipping, lookups.delivery_methods, lookups.shipping_methods)
        self.currency = CurrencyResolver(rules.currency, lookups.company_currency)
        self.cost_centres = CostCentreResolver(rules.cost_centres, lookups.cost_center_items)
        self.customers = CustomerPlanner(
            rules.customers,
            lookups,
            self.terms,
            self.shipping,
            rules.field_map.for_scope(FieldMapScope.CUSTOMER),
        )
        self._document_map = rules.field_map.for_scope(FieldMapScope.DOCUMENT)
        self._voucher_map = rules.field_map.for_scope(FieldMapScope.VOUCHER)
        self._planned_articles: dict[str, None] = {}  # ordered: a failed record's own are the newest

    # ------------------------------------------------------------------------------------------------ entry points

    def plan_sales_order(self, record: dict[str, Any], stream: str = "sales_orders") -> RecordPlan:
        return self._plan(record, stream, is_order=True)

    def plan_sales_invoice(self, record: dict[str, Any], stream: str = "sales_invoices") -> RecordPlan:
        return self._plan(record, stream, is_order=False)

    def _plan(self, record: dict[str, Any], stream: str, *, is_order: bool) -> RecordPlan:
        id_field, number_field = ("OrderID", "OrderNumber") if is_order else ("InvoiceID", "InvoiceNumber")
        ref = SourceRef(stream, _text(record.get(id_field)), _text(record.get(number_field)))
        plan = RecordPlan(ref)
        customers_before, articles_before = self.customers.planned_count(), len(self._planned_articles)
        try:
            unit = self.rules.discounts.exact_unit
            document = read_sales_order(record, unit, stream) if is_order else read_sales_invoice(record, unit, stream)
            self._plan_document(document, plan)
        except RecordRejected as rejected:
            # Nothing of a refused record is sent, so a customer or article it was first to need is still to be
            # created: forget it, and the next record that needs it plans the create itself.
            plan.writes.clear()
            self.customers.forget_planned_since(customers_before)
            for key in list(self._planned_articles)[articles_before:]:
                del self._planned_articles[key]
            plan.fail(rejected.field, rejected.message)
        return plan

    # ------------------------------------------------------------------------------------------------ the rules

    def _plan_document(self, document: SalesDocument, plan: RecordPlan) -> None:
        rules = self.rules.documents
        target = rules.target
        collection = TARGET_COLLECTION[target]
        skip_reason = self._filtered_out(document)
        if skip_reason is not None:
            plan.writes.append(PlannedWrite(collection, Action.SKIP, {}, document.source_ref, skip_reason))
            return
        reference = document_reference(rules.reference.prefix, document.kind, document.number)
        existing_id = self.lookups.existing.get(collection, reference)
        action = Action.CREATE
        if existing_id is not None:
            if not (rules.update_existing and target in UPDATABLE):
                plan.writes.append(
                    PlannedWrite(
                        collection,
                        Action.SKIP,
                        {},
                        document.source_ref,
                        f"already in eAccounting as {reference}",
                        target_id=existing_id,
                    )
                )
                return
            action = Action.UPDATE
        if document.is_credit and target is OrderTarget.ORDER:
            raise RecordRejected("Type", "a credit note cannot become an eAccounting order")

        customer: CustomerChoice | None = None
        if target is not OrderTarget.VOUCHER:
            customer = self.customers.choose(document.customer_id, document.customer_field, document.source_ref)
            if customer.create is not None:
                plan.writes.append(customer.create)
            if customer.via_default_debtor:
                plan.warnings.append("booked on the default debtor")
        party = self._vat_party(document, customer)
        shipping = self.shipping.resolve(document.shipping_keys, "ShippingMethod")
        if shipping.unmatched:
            plan.warnings.append(f"ShippingMethod: {shipping.unmatched}")
        is_voucher = target is OrderTarget.VOUCHER
        price_decimals = 4 if is_voucher or self._is_foreign(document, customer) else 2
        rows = self._rows(document, party, customer, plan, price_decimals)
        explained = self._add_shipping_row(rows, shipping, party, customer)
        explained.extend(_vat_differences(rows, self.rules.vat.accept_rate_differences))
        if is_voucher:
            conversion = self.currency.to_company(document, required=True)
            body, planned = self._voucher_body(document, rows, reference, party, conversion)
            source = document.totals.in_currency(conversion.currency, conversion.rate or 1.0)
            explained = [_converted(e, conversion) for e in explained]
            if self._voucher_map:
                apply_field_map(self._voucher_map, document.record, body)
            links: dict[str, str] = {}
        else:
            assert customer is not None
            conversion = self._document_currency(target, document, customer)
            body, links = self._document_body(target, document, rows, reference, customer, shipping, conversion)
            planned = _planned_totals(document, rows)
            source = document.totals
            if self._document_map:
                apply_field_map(self._document_map, document.record, body)
        checked = guard_totals(source, planned, explained)
        reason = "new document" if action is Action.CREATE else f"replaces {reference}"
        reason = f"{reason}; {checked}"
        if conversion.rate != 1.0:
            reason += f"; rate {conversion.rate if conversion.rate is not None else 'automatic'} ({conversion.source})"
        plan.writes.append(
            PlannedWrite(
                collection,
                action,
                body,
                document.source_ref,
                reason,
                key=f"{collection}/{reference}",
                target_id=existing_id,
                links=links,
            )
        )

    def _is_foreign(self, document: SalesDocument, customer: CustomerChoice | None) -> bool:
        """eAccounting allows 4-decimal prices when the customer or the currency is foreign, else 2."""
        home = self.rules.vat.home_country
        abroad = customer is not None and customer.country is not None and customer.country != home
        return abroad or self.currency.is_foreign(document)

    def _document_currency(self, target: OrderTarget, document: SalesDocument, customer: CustomerChoice) -> Conversion:
        """Orders name their currency; invoices and drafts take the customer's, so it must be the document's."""
        company = self.currency.company_currency("Currency")
        currency = document.totals.currency or company
        if target is not OrderTarget.ORDER:
            invoices_in = customer.currency or company
            if invoices_in != currency:
                who = "the default debtor" if customer.via_default_debtor else "the eAccounting customer"
                raise RecordRejected(
                    "Currency",
                    f"{currency} document, but {who} invoices in {invoices_in} (an eAccounting invoice takes the "
                    "customer's CurrencyCode); give the customer that currency or send orders instead",
                )
        if target is OrderTarget.INVOICE:
            return self.currency.to_company(document, required=False)
        return Conversion(currency, 1.0, "document currency")

    def _filtered_out(self, document: SalesDocument) -> str | None:
        status_filter = self.rules.documents.status_filter
        if document.kind == "SI":
            allowed = [int(s) for s in status_filter.sales_invoice_statuses]
            if document.status not in allowed:
                return f"Status {document.status} not in sales_invoice_statuses {allowed}"
            return None
        checks = (
            ("Status", document.status, status_filter.order_statuses, "order_statuses"),
            ("DeliveryStatus", document.delivery_status, status_filter.delivery_statuses, "delivery_statuses"),
            ("InvoiceStatus", document.invoice_status, status_filter.invoice_statuses, "invoice_statuses"),
        )
        for field_name, value, allowed_enum, setting in checks:
            allowed = [int(s) for s in allowed_enum]
            if allowed and value not in allowed:
                return f"{field_name} {value} not in {setting} {allowed}"
        return None

    def _vat_party(self, document: SalesDocument, customer: CustomerChoice | None) -> VatParty:
        parties = self.lookups.parties
        country: str | None = None
        field_name = document.customer_field
        if self.rules.vat.country_basis is CountryBasis.DELIVERY:
            address = parties.address(document.delivery_address_id)
            if address is not None and clean(address.get("Country")):
                country, field_name = (
                    self._country(address.get("Country"), "DeliveryAddress.Country"),
                    "DeliveryAddress",
                )
            else:
                deliver_to = parties.account(document.deliver_to_id)
                if deliver_to is not None and clean(deliver_to.get("Country")):
                    country = self._country(deliver_to.get("Country"), "DeliverTo.Country")
        if country is None:
            if customer is not None and customer.country is not None:
                country = customer.country
            else:
                account = parties.account(document.customer_id)
                if account is not None and clean(account.get("Country")):
                    country = self._country(account.get("Country"), f"{field_name}.Country")
        vat_valid = bool(
            customer and customer.vat_number and customer.vat_number.valid and not customer.is_private_person
        )
        if customer is None:
            account = parties.account(document.customer_id)
            raw = clean(account.get("VATNumber")) if account else None
            if raw:
                from ledgerbridge_mappings.shared.vat_numbers import parse_vat_number

                parsed = parse_vat_number(raw, country)
                vat_valid = bool(parsed and parsed.valid)
        return VatParty(country, vat_valid)

    @staticmethod
    def _country(value: Any, field_name: str) -> str:
        country = normalise_country(str(value))
        if country is None:
            raise RecordRejected(field_name, f"{value!r} is not an ISO 3166 country")
        return country

    def _rows(
        self,
        document: SalesDocument,
        party: VatParty,
        customer: CustomerChoice | None,
        plan: RecordPlan,
        price_decimals: int,
    ) -> list[_Row]:
        rows: list[_Row] = []
        shipping_article = self._article_or_none(self.rules.shipping.shipping_article_number)
        article: ArticleRef | None
        for line in document.lines:
            prefix = line.field_prefix
            if self.shipping.is_shipping_item(line.item_code):
                if shipping_article is None:
                    raise RecordRejected(
                        f"{prefix}.ItemCode", "shipping line but shipping.shipping_article_number is not an article"
                    )
                article, article_key = shipping_article, None
            else:
                article, article_key = self._article(line, document, plan)
            vat = self.vat.resolve(line.vat_code, party, f"{prefix}.VATCode")
            if (
                article is not None
                and article.vat_rate_percent is not None
                and vat.scenario in (VatScenario.DOMESTIC, VatScenario.MAPPED_CODE, VatScenario.COUNTRY_DEFAULT)
                and self.rules.documents.target is not OrderTarget.VOUCHER
                and party.country == self.rules.vat.home_country
                and abs(article.vat_rate_percent - vat.code.rate) > 1e-6
            ):
                raise RecordRejected(
                    f"{prefix}.VATCode",
                    f"maps to eAccounting {vat.code.code} ({vat.code.rate:g} %) but article {article.number} books "
                    f"{article.vat_rate_percent:g} %; eAccounting takes row VAT from the article",
                )
            quantity = round_half_up(line.quantity, 4)
            rows.append(
                _Row(
                    article=article,
                    article_key=article_key,
                    text=fit(line.description, 2000, f"{prefix}.Description", self.rules.customers.long_text),
                    quantity=quantity,
                    price=price_row(
                        quantity, line.unit_price, line.discount, line.amount_fc, price_decimals, f"{prefix}.AmountFC"
                    ),
                    vat=vat,
                    vat_rate=self._booked_rate(article, vat.code.rate, customer),
                    exact_vat=line.vat_amount_fc,
                    cost_centres=self.cost_centres.fields(line.cost_center, line.cost_unit, prefix),
                    line=line,
                )
            )
        self._carry_header_remainder(document, rows, price_decimals)
        return rows

    def _booked_rate(self, article: ArticleRef | None, code_rate: float, customer: CustomerChoice | None) -> float:
        """The VAT rate (fraction) eAccounting will book on a row. Vouchers carry our VAT code; documents do not:
        eAccounting takes the rate from the article's coding and the customer (none for a foreign business or a
        customer outside the EU), so that is what the totals check must expect."""
        if self.rules.documents.target is OrderTarget.VOUCHER or customer is None:
            return code_rate / 100.0
        home, country = self.rules.vat.home_country, customer.country
        if country and home and country != home and (not is_eu(country) or not customer.is_private_person):
            return 0.0
        rate = article.vat_rate_percent if article is not None and article.vat_rate_percent is not None else code_rate
        return rate / 100.0

    def _article_or_none(self, number: str | None) -> ArticleRef | None:
        return self.lookups.articles.get(number) if number else None

    def _article(
        self, line: SalesLine, document: SalesDocument, plan: RecordPlan
    ) -> tuple[ArticleRef | None, str | None]:
        field_name = f"{line.field_prefix}.ItemCode"
        if line.item_code is None:
            raise RecordRejected(field_name, "missing; every row needs an article")
        article = self.lookups.articles.get(line.item_code)
        if article is not None:
            if not article.is_active:
                raise RecordRejected(field_name, f"eAccounting article {line.item_code!r} is inactive")
            return article, None
        rules = self.rules.articles
        if not rules.create_missing:
            raise RecordRejected(field_name, f"no eAccounting article has number {line.item_code!r}")
        if len(line.item_code) > 40:
            raise RecordRejected(field_name, f"{len(line.item_code)} characters; article numbers allow 40")
        key = f"{ARTICLES}/{line.item_code}"
        if key not in self._planned_articles:
            self._planned_articles[key] = None
            name = fit(
                line.description or line.item_code,
                50,
                f"{line.field_prefix}.Description",
                self.rules.customers.long_text,
            )
            body = {
                "Number": line.item_code,
                "Name": name,
                "CodingId": rules.new_article_coding_id,
                "UnitId": rules.new_article_unit_id,
                "IsActive": True,
                "NetPrice": money(line.unit_price),
            }
            plan.writes.append(PlannedWrite(ARTICLES, Action.CREATE, body, document.source_ref, "new article", key=key))
        return None, key

    def _carry_header_remainder(self, document: SalesDocument, rows: list[_Row], price_decimals: int) -> None:
        """Exact pushes a header discount onto the lines, so the lines normally add up to the header's net already.

        Only what the header takes off beyond its lines (an amount discount Exact did not spread) is carried here,
        so no discount is ever applied twice.
        """
        lines_total = money(sum(row.net for row in rows))
        sign = -1.0 if document.totals.net < 0 else 1.0  # a credit note's amounts are all negative
        remainder = money((lines_total - document.totals.net) * sign)
        if abs(remainder) <= 0.01:
            return
        if remainder < 0:
            raise RecordRejected(
                "AmountFCExclVat",
                f"{document.totals.net:.2f} is more than its lines' {lines_total:.2f}; charges outside the lines "
                "cannot be carried",
            )
        rules = self.rules.discounts
        if rules.order_discount is OrderDiscountMode.IGNORE:
            return  # not carried: the totals check refuses the document and says by how much
        if not lines_total:
            raise RecordRejected("AmountDiscount", f"order discount {remainder:.2f} on an order without amount")
        if rules.order_discount is OrderDiscountMode.SPREAD:
            share = remainder / abs(lines_total)
            targets = split_total([row.net for row in rows], document.totals.net)
            for row, target in zip(rows, targets, strict=True):
                field_name = row.line.field_prefix if row.line is not None else "Discount"
                row.price = price_row(
                    row.quantity,
                    row.price.unit_price,
                    combine(row.price.discount, share),
                    target,
                    price_decimals,
                    f"{field_name}.Discount",
                )
                if row.exact_vat is not None and row.line is not None and row.line.amount_fc:
                    row.exact_vat = money(row.exact_vat * target / row.line.amount_fc)
            return
        article = self._article_or_none(rules.discount_article_number)
        if article is None:
            raise RecordRejected(
                "Discount", f"discounts.discount_article_number {rules.discount_article_number!r} is not an article"
            )
        # One negative row per VAT code keeps each rate's base right when the order mixes rates.
        per_vat: dict[str, list[_Row]] = defaultdict(list)
        for row in rows:
            per_vat[row.vat.code.code if row.vat else ""].append(row)
        groups = list(per_vat.values())
        amounts = split_total([sum(r.net for r in group) for group in groups], remainder * sign)
        share = remainder / abs(lines_total)
        for group, amount in zip(groups, amounts, strict=True):
            if not amount:
                continue
            exact_vat = sum(r.exact_vat or 0.0 for r in group)
            group_net = sum(r.net for r in group)
            rows.append(
                _Row(
                    article=article,
                    article_key=None,
                    text=f"Order discount {round_half_up(share * 100, 2):g} %",
                    quantity=1.0,
                    price=RowPrice(-amount, 0.0, -amount),
                    vat=group[0].vat,
                    vat_rate=group[0].vat_rate,
                    exact_vat=-money(exact_vat * amount / group_net) if group_net else 0.0,
                    cost_centres={},
                    line=None,
                )
            )

    def _add_shipping_row(
        self, rows: list[_Row], shipping: ShippingDecision, party: VatParty, customer: CustomerChoice | None
    ) -> list[Explained]:
        """A mapped shipping cost becomes a row on the shipping article: a difference to Exact made on purpose."""
        if not shipping.shipping_cost:
            return []
        article = self._article_or_none(self.rules.shipping.shipping_article_number)
        if article is None:
            raise RecordRejected(
                "ShippingMethod",
                f"shipping cost configured but shipping.shipping_article_number "
                f"{self.rules.shipping.shipping_article_number!r} is not an article",
            )
        vat: VatDecision | None = None
        if self.rules.documents.target is OrderTarget.VOUCHER:
            vat = self.vat.resolve(None, party, "ShippingMethod")
            rate = vat.code.rate / 100.0
        else:
            rate = self._booked_rate(article, 0.0, customer)
        cost = money(shipping.shipping_cost)
        rows.append(
            _Row(
                article=article,
                article_key=None,
                text=shipping.method.name if shipping.method else None,
                quantity=1.0,
                price=RowPrice(cost, 0.0, cost),
                vat=vat,
                vat_rate=rate,
                exact_vat=None,
                cost_centres={},
                line=None,
            )
        )
        name = shipping.method.name if shipping.method else "shipping"
        return [Explained(f"shipping cost row for {name} (shipping.map)", net=cost, vat=money(cost * rate))]

    # ------------------------------------------------------------------------------------------------ bodies

    def _document_body(
        self,
        target: OrderTarget,
        document: SalesDocument,
        rows: list[_Row],
        reference: str,
        customer: CustomerChoice,
        shipping: ShippingDecision,
        conversion: Conversion,
    ) -> tuple[dict[str, Any], dict[str, str]]:
        long_text = self.rules.customers.long_text
        links: dict[str, str] = {}
        body: dict[str, Any] = {"CustomerId": customer.customer_id}
        if customer.planned_key is not None:
            links["CustomerId"] = customer.planned_key
        body["RotReducedInvoicingType"] = 0
        body["EuThirdParty"] = False
        date = iso_date(document.date, "OrderDate" if document.kind == "SO" else "InvoiceDate")
        if target is OrderTarget.ORDER:
            body["CurrencyCode"] = (document.currency or "").upper() or None
            if body["CurrencyCode"] is None:
                raise RecordRejected("Currency", "missing (eAccounting orders require CurrencyCode)")
            body["Status"] = int(self.rules.documents.eaccounting_order_status)
            body["ReverseChargeOnConstructionServices"] = False
            body["OrderDate"] = date
        else:
            body["IsCreditInvoice"] = document.is_credit
            body["InvoiceDate"] = date
            if target is OrderTarget.INVOICE and conversion.rate not in (None, 1.0):
                body["CurrencyRate"] = conversion.rate
            due = iso_date(document.due_date, "DueDate")
            if due:
                body["DueDate"] = due
        delivery_date = iso_date(document.delivery_date, "DeliveryDate")
        if delivery_date:
            body["DeliveryDate"] = delivery_date
        if document.your_ref:
            body["YourReference"] = fit(document.your_ref, 100, "YourRef", long_text)
        body[self.rules.documents.reference.order_field] = reference
        terms = self.terms.resolve(document.payment_condition, "PaymentCondition")
        if terms:
            body["TermsOfPaymentId"] = terms
        if shipping.method is not None and target is not OrderTarget.INVOICE:
            body["DeliveryMethodName"] = fit(shipping.method.name, 50, "ShippingMethod", long_text)
            if shipping.method.code:
                body["DeliveryMethodCode"] = fit(shipping.method.code, 20, "ShippingMethod", long_text)
        body.update(self._delivery_address(document, target))
        shaped: list[dict[str, Any]] = []
        for number, row in enumerate(rows):
            shaped_row = self._shape_row(target, row, number)
            if row.article_key is not None:
                links[f"Rows[{number}].ArticleId"] = row.article_key
            shaped.append(shaped_row)
        body["Rows"] = shaped
        return body, links

    def _delivery_address(self, document: SalesDocument, target: OrderTarget) -> dict[str, Any]:
        parties = self.lookups.parties
        address = parties.address(document.delivery_address_id)
        deliver_to = parties.account(document.deliver_to_id)
        if address is None and (deliver_to is None or document.deliver_to_id == document.customer_id):
            return {}  # eAccounting takes the delivery address from the customer
        source = address if address is not None else deliver_to
        assert source is not None
        long_text = self.rules.customers.long_text
        prefix = "DeliveryAddress" if address is not None else "DeliverTo"
        name_limit = 50 if target is OrderTarget.INVOICE_DRAFT else 100
        name = (deliver_to or {}).get("Name") if deliver_to else None
        country_raw = clean(source.get("Country"))
        fields = {
            "DeliveryCustomerName": fit(name, name_limit, "DeliverTo.Name", long_text),
            "DeliveryAddress1": fit(source.get("AddressLine1"), 50, f"{prefix}.AddressLine1", long_text),
            "DeliveryAddress2": fit(source.get("AddressLine2"), 50, f"{prefix}.AddressLine2", long_text),
            "DeliveryPostalCode": fit(source.get("Postcode"), 10, f"{prefix}.Postcode", long_text),
            "DeliveryCity": fit(source.get("City"), 50, f"{prefix}.City", long_text),
            "DeliveryCountryCode": self._country(country_raw, f"{prefix}.Country") if country_raw else None,
        }
        return {k: v for k, v in fields.items() if v is not None}

    @staticmethod
    def _shape_row(target: OrderTarget, row: _Row, number: int) -> dict[str, Any]:
        shaped: dict[str, Any] = {}
        if target is not OrderTarget.INVOICE:
            shaped["LineNumber"] = number
            shaped["IsTextRow"] = False
        shaped["ArticleId"] = row.article.id if row.article is not None else None
        if target is OrderTarget.ORDER and row.article is not None:
            shaped["ArticleNumber"] = row.article.number
        if row.text:
            shaped["Text"] = row.text
        shaped["Quantity"] = row.quantity
        shaped["UnitPrice"] = row.price.unit_price
        shaped["DiscountPercentage"] = row.price.discount
        if target is OrderTarget.ORDER:
            shaped["IsWorkCost"] = False
            shaped["EligibleForReverseChargeOnVat"] = False
        elif target is OrderTarget.INVOICE_DRAFT:
            shaped["IsWorkCost"] = False
            shaped["ReversedConstructionServicesVatFree"] = False
        shaped.update(row.cost_centres)
        return shaped

    def _voucher_body(
        self, document: SalesDocument, rows: list[_Row], reference: str, party: VatParty, conversion: Conversion
    ) -> tuple[dict[str, Any], DocumentTotals]:
        """A sales entry in the company currency: receivable debited with the total, revenue and VAT credited
        (credit notes the other way). Returns the body and its totals for the guard."""
        ledger = self.rules.ledger
        if ledger.receivable_account is None:
            raise RecordRejected("ledger.receivable_account", "required when orders are sent as vouchers")
        revenue_account = ledger.revenue_account_for(party.country)
        if revenue_account is None:
            raise RecordRejected(
                "ledger.default_revenue_account", f"no revenue account for country {party.country!r} and no default"
            )
        revenue: dict[tuple[str, tuple[tuple[str, str], ...]], float] = defaultdict(float)
        vat_totals: dict[int, float] = defaultdict(float)
        nets = convert_all([row.net for row in rows], conversion.rate or 1.0)
        for row, net in zip(rows, nets, strict=True):
            if row.vat is None:
                raise RecordRejected("ShippingMethod", "no VAT decision for a row")
            code = row.vat.code
            revenue[(code.id, tuple(sorted(row.cost_centres.items())))] += net
            vat_amount = money(net * code.rate / 100.0)
            if vat_amount:
                if code.vat_account is None:
                    raise RecordRejected(
                        row.line.field_prefix + ".VATCode" if row.line else "ShippingMethod",
                        f"eAccounting VAT code {code.code} has no related VAT account",
                    )
                vat_totals[code.vat_account] += vat_amount
        voucher_rows: list[dict[str, Any]] = []
        net_total = vat_total = 0.0
        for (vat_id, cost_centres), amount in revenue.items():
            amount = money(amount)
            if not amount:
                continue
            net_total += amount
            voucher_row = _voucher_amount({"AccountNumber": revenue_account, "VatCodeId": vat_id}, -amount)
            for name, item_id in cost_centres:
                if name != "CostCenterItemId1":  # read-only on voucher rows
                    voucher_row[name] = item_id
            voucher_rows.append(voucher_row)
        for account, amount in vat_totals.items():
            amount = money(amount)
            if amount:
                vat_total += amount
                voucher_rows.append(_voucher_amount({"AccountNumber": account}, -amount))
        if not voucher_rows:
            raise RecordRejected(document.lines_field, "all lines have a zero amount")
        total = money(net_total + vat_total)
        voucher_rows.insert(0, _voucher_amount({"AccountNumber": ledger.receivable_account}, total))
        text = f"{reference} {document.description}" if document.description else reference
        body = {
            "VoucherDate": iso_date(document.date, "OrderDate" if document.kind == "SO" else "InvoiceDate"),
            "VoucherText": text[:1000],
            "Rows": voucher_rows,
        }
        return body, DocumentTotals(conversion.currency, money(net_total), money(vat_total), len(rows))


def _planned_totals(document: SalesDocument, rows: list[_Row]) -> DocumentTotals:
    """The totals eAccounting will compute: rows priced as sent, VAT rounded once per document."""
    net = money(sum(row.net for row in rows))
    vat = money(sum(row.net * row.vat_rate for row in rows))
    return DocumentTotals(document.totals.currency, net, vat, len(rows))


ZERO_RATE_RULES = {
    VatScenario.EU_REVERSE_CHARGE: "vat.eu_reverse_charge_code",
    VatScenario.EXPORT: "vat.export_code",
}


def _vat_differences(rows: list[_Row], accept_rate_differences: bool) -> list[Explained]:
    """Where the VAT booked differs from Exact's on purpose: a 0 % rule for EU reverse charge or export, or, when
    the user accepts it for companies in two VAT jurisdictions, eAccounting's own rate. Other differences stay
    unexplained, so the totals check refuses the document."""
    deltas: dict[str, float] = defaultdict(float)
    for row in rows:
        if row.exact_vat is None or row.vat is None:
            continue
        delta = row.net * row.vat_rate - row.exact_vat
        if abs(delta) <= 0.005:
            continue
        zero_rule = ZERO_RATE_RULES.get(row.vat.scenario)
        if row.vat_rate == 0.0 and zero_rule is not None:
            deltas[f"0 % VAT rule {row.vat.scenario.value} ({zero_rule} {row.vat.code.code})"] += delta
        elif accept_rate_differences:
            exact_rate = f"{row.line.vat_percentage * 100:g} %" if row.line and row.line.vat_percentage else "?"
            deltas[
                f"vat.accept_rate_differences: eAccounting books {row.vat_rate * 100:g} % where Exact charged "
                f"{exact_rate}"
            ] += delta
    return [Explained(name, vat=money(delta)) for name, delta in deltas.items() if money(delta)]


def _converted(explained: Explained, conversion: Conversion) -> Explained:
    rate = conversion.rate or 1.0
    return Explained(explained.rule, money(explained.net * rate), money(explained.vat * rate))


def _voucher_amount(row: dict[str, Any], signed: float) -> dict[str, Any]:
    """Positive = debit, negative = credit; eAccounting wants both fields non-negative."""
    if signed >= 0:
        row["DebitAmount"], row["CreditAmount"] = money(signed), 0.0
    else:
        row["DebitAmount"], row["CreditAmount"] = 0.0, money(-signed)
    return row


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
