"""Sales rules: customers, articles and their stock, orders (status 1 Draft → 2 Ongoing → 3 Shipped → 4 Invoiced),
invoice drafts and invoices, delivery methods and terms.

VAT on document rows is never sent by the client (row ``VatRate`` is read-only): it follows from the article's
account coding and the customer's country, as in the real product — domestic rate at home and for EU consumers,
zero for intra-EU business customers (reverse charge), exports and EU triangulation.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from stdnum import luhn

from eaccounting_emulator.exceptions import (
    CAN_NOT_BE_CREATED_OR_UPDATED,
    CAN_NOT_BE_DELETED,
    CONFLICT,
    BusinessRuleViolated,
    ValidationFailed,
    field_error,
)
from eaccounting_emulator.schemas import format_date, parse_date_time, shaped

if TYPE_CHECKING:
    from eaccounting_emulator.models.rules.ledger import Builder, Ledger

from eaccounting_emulator.models.money import money

DRAFT, ONGOING, SHIPPED, INVOICED = 1, 2, 3, 4
INVALID_VAT_NUMBER = 4025
# The "automatic calculation of the currency rate" (CustomerInvoiceApi.CurrencyRate): fixed rates to the company
# currency (SEK), so foreign-currency documents carry plausible, replayable base amounts (emulators/README.md).
EXCHANGE_RATES = {"SEK": 1.0, "EUR": 11.45, "NOK": 0.98, "DKK": 1.54, "USD": 10.62, "GBP": 13.35}
_VAT_NUMBER = re.compile(r"^[A-Z]{2}[0-9A-Z]{8,12}$")


class SalesRules:
    def __init__(self, backend: Ledger) -> None:
        self.backend = backend
        self.customer_numbers: dict[str, str] = {}
        self.article_numbers: dict[str, str] = {}
        backend.builders.update(
            customers=self.build_customer,
            articles=self.build_article,
            orders=self.build_order,
            customerinvoicedrafts=self.build_draft,
            customerinvoices=self.build_invoice,
            deliverymethods=self.build_simple("deliverymethods"),
            deliveryterms=self.build_simple("deliveryterms"),
        )
        backend.after_delete.update(customers=self._before_customer_delete, orders=self._before_order_delete)

    def reindex(self) -> None:
        customers = self.backend.collection("customers").records
        self.customer_numbers = {record["CustomerNumber"]: key for key, record in customers.items()}
        articles = self.backend.collection("articles").records
        self.article_numbers = {record["Number"]: key for key, record in articles.items()}

    # --- reference data -----------------------------------------------------------------------------------------
    def build_simple(self, path: str) -> Builder:
        schema = self.backend.collection(path).schema

        def build(values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
            return shaped(schema, {**values, "Id": self.backend.identity(existing)})

        return build

    # --- customers ------------------------------------------------------------------------------------------------
    def build_customer(self, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        backend = self.backend
        terms = backend.reference("termsofpayments", values["TermsOfPaymentId"], "TermsOfPaymentId", "TermsOfPayment")
        backend.reference("deliverymethods", values.get("DeliveryMethodId"), "DeliveryMethodId", "DeliveryMethod")
        backend.reference("deliveryterms", values.get("DeliveryTermId"), "DeliveryTermId", "DeliveryTerm")
        vat_number = values.get("VatNumber")
        if vat_number and not _VAT_NUMBER.match(vat_number):
            raise BusinessRuleViolated(
                INVALID_VAT_NUMBER,
                "VatNumber must be a 2-letter country code followed by 8-12 digits or letters",
                "VatNumber",
            )
        key = backend.identity(existing)
        number = values.get("CustomerNumber") or (existing or {}).get("CustomerNumber")
        if not number:
            number = str(backend.next_number("NextCustomerNumber"))
        owner = self.customer_numbers.get(number)
        if owner is not None and owner != key:
            raise BusinessRuleViolated(
                CONFLICT, f"A customer with CustomerNumber {number} already exists", "CustomerNumber"
            )
        if existing and existing["CustomerNumber"] != number:
            self.customer_numbers.pop(existing["CustomerNumber"], None)
        self.customer_numbers[number] = key
        record = shaped(
            "CustomerApi",
            {
                "CurrencyCode": backend.company["CurrencyCode"],
                "InvoiceCountryCode": backend.company["CountryCode"],
                **values,
                "Id": key,
                "CustomerNumber": number,
                "TermsOfPayment": terms,
                "ChangedUtc": backend.stamp(),
                # Server-assigned ("The account Id on which payments are registered", readOnly): the real API fills
                # it on every customer; kept for the customer's lifetime.
                # Derived from the customer's id rather than drawn, so seeded ids stay as they were.
                "PayToAccountId": (existing or {}).get("PayToAccountId")
                or str(uuid.uuid5(uuid.NAMESPACE_OID, f"pay-to-account/{key}")),
                "LastInvoiceDate": (existing or {}).get("LastInvoiceDate"),
                "UnpaidInvoicesAmount": (existing or {}).get("UnpaidInvoicesAmount", 0.0),
                "IsFutureInvoiceDateAllowed": True,
            },
        )
        return record

    def _before_customer_delete(self, customer: dict[str, Any]) -> None:
        for path in ("orders", "customerinvoicedrafts", "customerinvoices"):
            if any(document["CustomerId"] == customer["Id"] for document in self.backend.collection(path).values()):
                raise BusinessRuleViolated(
                    CAN_NOT_BE_DELETED,
                    "Only customers without any linked transactions can be deleted; set IsActive to false instead",
                )
        self.customer_numbers.pop(customer["CustomerNumber"], None)

    # --- articles -------------------------------------------------------------------------------------------------
    def build_article(self, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        backend = self.backend
        coding = backend.reference("articleaccountcodings", values["CodingId"], "CodingId", "ArticleAccountCoding")
        unit = backend.reference("units", values["UnitId"], "UnitId", "Unit")
        key = backend.identity(existing)
        owner = self.article_numbers.get(values["Number"])
        if owner is not None and owner != key:
            raise BusinessRuleViolated(CONFLICT, f"An article with Number {values['Number']} already exists", "Number")
        if existing and existing["Number"] != values["Number"]:
            self.article_numbers.pop(existing["Number"], None)
        self.article_numbers[values["Number"]] = key
        stamp = backend.stamp()
        previous = existing or {}
        balance = values.get("StockBalance", previous.get("StockBalance", 0.0))
        net_price = values.get("NetPrice", 0.0)
        record = {
            **values,
            "Id": key,
            "CodingName": coding["Name"],
            "UnitName": unit["Name"],
            "UnitAbbreviation": unit["Abbreviation"],
            "IsServiceArticle": coding["Type"] == "Service",
            "CreatedUtc": previous.get("CreatedUtc", stamp),
            "ChangedUtc": stamp,
            "StockBalance": balance,
            "StockBalanceManuallyChangedUtc": stamp
            if existing is None or balance != previous.get("StockBalance")
            else previous.get("StockBalanceManuallyChangedUtc"),
            # "Set when the purchase price / freight costs is changed manually": a write through the API that sets a
            # value different from the stored one is such a change.
            "PurchasePriceManuallyChangedUtc": _changed_at(values, previous, "PurchasePrice", stamp),
            "FreightCostsManuallyChangedUtc": _changed_at(values, previous, "FreightCosts", stamp),
            "ShowStockInformation": bool(values.get("IsStock")),
        }
        if "GrossPrice" not in values:
            record["GrossPrice"] = money(net_price * (1 + coding["VatRatePercent"]))
        if "NetPriceWithDiscount" not in values:
            record["NetPriceWithDiscount"] = money(net_price * (1 - values.get("DiscountPercentage", 0.0)))
        return self.with_stock(shaped("ArticleApi", record))

    def with_stock(self, article: dict[str, Any]) -> dict[str, Any]:
        reserved = self.backend.reserved.get(article["Id"], 0.0) if article["IsStock"] else 0.0
        article["StockBalanceReserved"] = reserved
        article["StockBalanceAvailable"] = round(article["StockBalance"] - reserved, 4)
        article["StockValue"] = money(article["StockBalance"] * article["PurchasePrice"]) if article["IsStock"] else 0.0
        return article

    # --- VAT --------------------------------------------------------------------------------------------------------
    def vat_rate(
        self, article: dict[str, Any], customer: dict[str, Any], document: dict[str, Any], row: dict[str, Any]
    ) -> float:
        coding = self.backend.collection("articleaccountcodings").get(article["CodingId"])
        rate = coding["VatRatePercent"] if coding else 0.0
        if document.get("EuThirdParty"):
            return 0.0
        home = self.backend.company["CountryCode"]
        country = customer.get("InvoiceCountryCode") or home
        if country != home:
            known = self.backend.collection("countries").get(country)
            if known is None or not known["IsEuMember"]:
                return 0.0
            if not customer["IsPrivatePerson"]:
                return 0.0
        if document.get("ReverseChargeOnConstructionServices") and row.get("EligibleForReverseChargeOnVat"):
            return 0.0
        return rate

    # --- document rows ----------------------------------------------------------------------------------------------
    def _priced_row(
        self, schema: str, values: dict[str, Any], index: int, customer: dict[str, Any], document: dict[str, Any]
    ) -> dict[str, Any]:
        row = shaped(schema, {**values, "Id": self.backend.new_id()})
        is_text = row.get("IsTextRow", values.get("ArticleId") is None)
        if is_text or row.get("ArticleId") is None:
            if not is_text:
                raise ValidationFailed(
                    [field_error(f"Rows[{index}].ArticleId", "Required", "ArticleId is required on a non-text row.")]
                )
            row.update(VatRate=None, Amount=0.0, UnitPrice=0.0, Quantity=0.0, ArticleId=None)
            return row
        article = self.backend.reference("articles", row["ArticleId"], f"Rows[{index}].ArticleId", "Article")
        if "UnitPrice" not in values:
            row["UnitPrice"] = article["NetPrice"]
        if not row.get("Text"):
            row["Text"] = article["Name"]
        rate = self.vat_rate(article, customer, document, row)
        net = money(row["Quantity"] * row["UnitPrice"] * (1 - row["DiscountPercentage"]))
        row.update(
            ArticleNumber=article["Number"],
            UnitId=article["UnitId"],
            IsServiceArticle=article["IsServiceArticle"],
            VatRate=rate,
            Amount=net,
            PurchasePrice=article["PurchasePrice"],
            FreightCosts=article["FreightCosts"],
            ContributionMargin=_margin(net, row["Quantity"] * article["PurchasePrice"]),
        )
        return row

    def _totals(self, rows: list[dict[str, Any]]) -> tuple[float, float]:
        net = money(sum(row["Amount"] for row in rows if row.get("VatRate") is not None))
        vat = money(sum(row["Amount"] * row["VatRate"] for row in rows if row.get("VatRate") is not None))
        return net, vat

    def _customer_fields(self, customer: dict[str, Any]) -> dict[str, Any]:
        return {
            "CustomerNumber": customer["CustomerNumber"],
            "CustomerName": customer["Name"],
            "CustomerIsPrivatePerson": customer["IsPrivatePerson"],
        }

    # --- orders ------------------------------------------------------------------------------------------------------
    def build_order(self, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        backend = self.backend
        if existing and existing["Status"] == INVOICED:
            raise BusinessRuleViolated(CAN_NOT_BE_CREATED_OR_UPDATED, "An invoiced order cannot be changed")
        if values["Status"] == INVOICED and (existing is None or existing["Status"] != INVOICED):
            raise BusinessRuleViolated(
                CAN_NOT_BE_CREATED_OR_UPDATED,
                "Status 4 (Invoiced) is reached by converting the order: POST /v2/orders/{id}/convert",
                "Status",
            )
        customer = backend.reference("customers", values["CustomerId"], "CustomerId", "Customer")
        stamp = backend.stamp()
        previous = existing or {}
        document = {**values}
        rows = [
            self._priced_row("OrderRowApi", row, index, customer, document)
            for index, row in enumerate(values.get("Rows") or [])
        ]
        if values["Status"] >= SHIPPED:
            for row in rows:
                row["DeliveredQuantity"] = row["Quantity"]
        net, vat = self._totals(rows)
        delivered = net if values["Status"] >= SHIPPED else 0.0
        record = {
            "DeliveryCustomerName": customer.get("DeliveryCustomerName") or customer["Name"],
            "DeliveryAddress1": customer.get("DeliveryAddress1") or customer.get("InvoiceAddress1"),
            "DeliveryPostalCode": customer.get("DeliveryPostalCode") or customer["InvoicePostalCode"],
            "DeliveryCity": customer.get("DeliveryCity") or customer["InvoiceCity"],
            "DeliveryCountryCode": customer.get("DeliveryCountryCode") or customer.get("InvoiceCountryCode"),
            "InvoiceCustomerName": customer["Name"][:50],
            "InvoiceAddress1": customer.get("InvoiceAddress1"),
            "InvoicePostalCode": customer["InvoicePostalCode"],
            "InvoiceCity": customer["InvoiceCity"],
            "InvoiceCountryCode": customer.get("InvoiceCountryCode"),
            "TermsOfPaymentId": customer["TermsOfPaymentId"],
            "OrderDate": format_date(backend.today()),
            **values,
            **self._customer_fields(customer),
            "Id": backend.identity(existing),
            "Number": previous.get("Number") or backend.next_number("NextOrderNumber"),
            "Rows": rows,
            "Amount": net,
            "VatAmount": vat,
            "RoundingsAmount": 0.0,
            "DeliveredAmount": delivered,
            "DeliveredVatAmount": vat if values["Status"] >= SHIPPED else 0.0,
            "DeliveredRoundingsAmount": 0.0,
            "IsNotDelivered": values["Status"] < SHIPPED,
            "DeliveryMethodId": self._lookup(
                "deliverymethods", values.get("DeliveryMethodCode"), values.get("DeliveryMethodName")
            ),
            "DeliveryTermId": self._lookup(
                "deliveryterms", values.get("DeliveryTermCode"), values.get("DeliveryTermName")
            ),
            "ContributionMargin": _margin(net, sum(r["Quantity"] * r["PurchasePrice"] for r in rows if r["ArticleId"])),
            "CreatedUtc": previous.get("CreatedUtc", stamp),
            "ModifiedUtc": stamp,
        }
        if values["Status"] >= SHIPPED and not record.get("ShippedDateTime"):
            record["ShippedDateTime"] = previous.get("ShippedDateTime") or format_date(backend.today())
        order = shaped("OrderApi", record)
        self.move_stock(existing, order)
        return order

    def _lookup(self, path: str, code: str | None, name: str | None) -> str | None:
        if not code and not name:
            return None
        for record in self.backend.collection(path).values():
            if (code and record["Code"] == code) or (name and record["Name"] == name):
                found: str = record["Id"]
                return found
        return None

    def _before_order_delete(self, order: dict[str, Any]) -> None:
        if order["Status"] in (SHIPPED, INVOICED):
            raise BusinessRuleViolated(CAN_NOT_BE_DELETED, "Orders that are shipped or invoiced cannot be deleted")
        self.move_stock(order, None)

    def transition(self, order_id: str, expected: int, target: int, action: str) -> dict[str, Any]:
        backend = self.backend
        with backend.lock:
            order = backend.get("orders", order_id, "Order")
            if order["Status"] != expected:
                raise BusinessRuleViolated(
                    CAN_NOT_BE_CREATED_OR_UPDATED,
                    f"Only an order with Status {expected} can be {action}; this one has Status {order['Status']}",
                    "Status",
                )
            updated = {**order, "Status": target, "ModifiedUtc": backend.stamp()}
            shipped = target >= SHIPPED
            updated["Rows"] = [
                {**row, "DeliveredQuantity": row["Quantity"] if shipped else 0.0} for row in order["Rows"]
            ]
            updated["IsNotDelivered"] = not shipped
            updated["DeliveredAmount"] = order["Amount"] if shipped else 0.0
            updated["DeliveredVatAmount"] = order["VatAmount"] if shipped else 0.0
            updated["ShippedDateTime"] = (order["ShippedDateTime"] or format_date(backend.today())) if shipped else None
            self.move_stock(order, updated)
            backend.store("orders", updated)
            return updated

    def move_stock(self, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        """Applies the stock effect of an order changing from ``before`` to ``after`` (None = absent).

        Ongoing orders reserve their undelivered quantities; shipped and invoiced orders have taken them out of stock.
        """
        reserved_before, shipped_before = _stock_effect(before)
        reserved_after, shipped_after = _stock_effect(after)
        articles = self.backend.collection("articles")
        for article_id in set(reserved_before) | set(reserved_after) | set(shipped_before) | set(shipped_after):
            article = articles.get(article_id)
            if article is None or not article["IsStock"]:
                continue
            reserved_delta = reserved_after.get(article_id, 0.0) - reserved_before.get(article_id, 0.0)
            shipped_delta = shipped_after.get(article_id, 0.0) - shipped_before.get(article_id, 0.0)
            if not reserved_delta and not shipped_delta:
                continue
            self.backend.reserved[article_id] = round(self.backend.reserved.get(article_id, 0.0) + reserved_delta, 4)
            updated = {
                **article,
                "StockBalance": round(article["StockBalance"] - shipped_delta, 4),
                "ChangedUtc": self.backend.stamp(),
            }
            self.backend.store("articles", self.with_stock(updated))

    def convert_order(self, order_id: str, values: dict[str, Any]) -> dict[str, Any]:
        backend = self.backend
        with backend.lock:
            order = backend.get("orders", order_id, "Order")
            if order["Status"] not in (ONGOING, SHIPPED):
                raise BusinessRuleViolated(
                    CAN_NOT_BE_CREATED_OR_UPDATED,
                    "Only ongoing or shipped orders can be converted to an invoice; "
                    f"this one has Status {order['Status']}",
                    "Status",
                )
            rows = [
                {
                    "ArticleId": row["ArticleId"],
                    "Text": row["Text"],
                    "UnitPrice": row["UnitPrice"],
                    "DiscountPercentage": row["DiscountPercentage"],
                    "Quantity": row["Quantity"],
                    "CostCenterItemId1": row["CostCenterItemId1"],
                    "CostCenterItemId2": row["CostCenterItemId2"],
                    "CostCenterItemId3": row["CostCenterItemId3"],
                    "ProjectId": row["ProjectId"],
                }
                for row in order["Rows"]
            ]
            invoice = self.issue_invoice(
                {
                    "CustomerId": order["CustomerId"],
                    "EuThirdParty": order["EuThirdParty"],
                    "RotReducedInvoicingType": order["RotReducedInvoicingType"],
                    "Rows": rows,
                    "YourReference": order["YourReference"],
                    "OurReference": order["OurReference"],
                    "BuyersOrderReference": order["BuyersOrderReference"],
                    "TermsOfPaymentId": order["TermsOfPaymentId"],
                    "DeliveryDate": order["DeliveryDate"] or order["ShippedDateTime"],
                    "WorkHouseOtherCosts": values.get("WorkHouseOtherCosts"),
                    **{k: order[k] for k in _DELIVERY_FIELDS},
                },
                extra={
                    "CreatedFromOrderId": order["Id"],
                    "DeliveryMethodName": order["DeliveryMethodName"],
                    "DeliveryMethodCode": order["DeliveryMethodCode"],
                    "DeliveryTermName": order["DeliveryTermName"],
                    "DeliveryTermCode": order["DeliveryTermCode"],
                    "ReverseChargeOnConstructionServices": order["ReverseChargeOnConstructionServices"],
                },
            )
            stamp = backend.stamp()
            invoiced = {
                **order,
                "Status": INVOICED,
                "ModifiedUtc": stamp,
                "IsNotDelivered": False,
                "Rows": [{**row, "DeliveredQuantity": row["Quantity"]} for row in order["Rows"]],
                "DeliveredAmount": order["Amount"],
                "DeliveredVatAmount": order["VatAmount"],
                "ShippedDateTime": order["ShippedDateTime"] or format_date(backend.today()),
            }
            self.move_stock(order, invoiced)
            backend.store("orders", invoiced)
            return invoice

    # --- drafts and invoices ---------------------------------------------------------------------------------------
    def build_draft(self, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        backend = self.backend
        customer = backend.reference("customers", values["CustomerId"], "CustomerId", "Customer")
        rows = []
        for index, row_values in enumerate(values.get("Rows") or []):
            row = self._priced_row("CustomerInvoiceDraftRowApi", row_values, index, customer, values)
            if row["ArticleId"]:
                article = backend.get("articles", row["ArticleId"], "Article")
                coding = backend.collection("articleaccountcodings").get(article["CodingId"])
                unit = backend.collection("units").get(article["UnitId"])
                row.update(
                    VatRateId=coding["VatRate"] if coding else None,
                    UnitName=unit["Name"] if unit else None,
                    UnitAbbreviation=unit["Abbreviation"] if unit else None,
                    UnitAbbreviationEnglish=unit["AbbreviationEnglish"] if unit else None,
                )
            row["LineNumber"] = row["LineNumber"] if row_values.get("LineNumber") is not None else index
            rows.append(row)
        net, vat = self._totals(rows)
        rate = EXCHANGE_RATES.get(customer["CurrencyCode"] or "SEK", 1.0)
        return shaped(
            "CustomerInvoiceDraftApi",
            {
                "TermsOfPaymentId": customer["TermsOfPaymentId"],
                "InvoiceAddress1": customer.get("InvoiceAddress1"),
                **values,
                **self._customer_fields(customer),
                "Id": backend.identity(existing),
                "CreatedUtc": (existing or {}).get("CreatedUtc") or backend.stamp(),
                "Rows": rows,
                "InvoiceCustomerName": customer["Name"][:50],
                "InvoicePostalCode": customer["InvoicePostalCode"],
                "InvoiceCity": customer["InvoiceCity"],
                "InvoiceCountryCode": customer.get("InvoiceCountryCode"),
                "InvoiceCurrencyCode": customer["CurrencyCode"],
                "ReverseChargeOnConstructionServices": customer["ReverseChargeOnConstructionServices"],
                "TotalAmount": money(net + vat),
                "TotalVatAmount": vat,
                "TotalRoundings": 0.0,
                "TotalAmountBaseCurrency": money((net + vat) * rate),
                "TotalVatAmountBaseCurrency": money(vat * rate),
                "ContributionMargin": _margin(
                    net, sum(r["Quantity"] * r["PurchasePrice"] for r in rows if r["ArticleId"])
                ),
            },
        )

    def convert_draft(self, draft_id: str) -> dict[str, Any]:
        backend = self.backend
        with backend.lock:
            draft = backend.get("customerinvoicedrafts", draft_id, "CustomerInvoiceDraft")
            values = {
                key: draft[key]
                for key in (
                    "CustomerId",
                    "EuThirdParty",
                    "IsCreditInvoice",
                    "RotReducedInvoicingType",
                    "YourReference",
                    "OurReference",
                    "BuyersOrderReference",
                    "TermsOfPaymentId",
                    "InvoiceDate",
                    "DeliveryDate",
                    *_DELIVERY_FIELDS,
                )
            }
            values["Rows"] = [
                {
                    key: row[key]
                    for key in ("ArticleId", "Text", "UnitPrice", "DiscountPercentage", "Quantity", "ProjectId")
                }
                for row in draft["Rows"]
            ]
            invoice = self.issue_invoice(values, extra={"CreatedFromDraftId": draft["Id"]})
            backend.collection("customerinvoicedrafts").delete(draft_id)
            backend.on_change()
            return invoice

    def currency_rate(self, currency: str, custom: float | None) -> float:
        """CustomerInvoiceApi.CurrencyRate: "Default: Automatic calculation of the currency rate. Enter this value to
        provide a custom rate". A rate only means something for a foreign currency: in the company's own currency the
        rate is 1 whatever is sent; a custom rate must be positive."""
        if currency == self.backend.company["CurrencyCode"]:
            return 1.0
        if custom is None:
            return EXCHANGE_RATES.get(currency, 1.0)
        if custom <= 0:
            error = field_error("CurrencyRate", "InvalidValue", "The field CurrencyRate must be greater than 0.")
            raise ValidationFailed([error])
        return custom

    def build_invoice(self, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        return self._invoice_record(values, {})

    def issue_invoice(self, values: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        invoice = self._invoice_record(values, extra)
        self.backend.store("customerinvoices", invoice)
        return invoice

    def _invoice_record(self, values: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        backend = self.backend
        customer = backend.reference("customers", values["CustomerId"], "CustomerId", "Customer")
        if not any(row.get("ArticleId") for row in values.get("Rows") or []):
            raise ValidationFailed(
                [field_error("Rows", "Required", "A customer invoice needs at least one row with an ArticleId.")]
            )
        terms_id = values.get("TermsOfPaymentId") or customer["TermsOfPaymentId"]
        terms = backend.reference("termsofpayments", terms_id, "TermsOfPaymentId", "TermsOfPayment")
        rows = []
        for index, row_values in enumerate(values["Rows"]):
            row_values = {**row_values, "IsTextRow": row_values.get("ArticleId") is None}
            row = self._priced_row("CustomerInvoiceRowApi", row_values, index, customer, values)
            net = row["Amount"]
            rate = row["VatRate"] or 0.0
            row.update(
                LineNumber=index,
                IsTextRow=row["ArticleId"] is None,
                AmountNoVat=net,
                PercentVat=rate,
                IsVatFree=row["ArticleId"] is not None and rate == 0.0,
                Amount=money(net * (1 + rate)),
            )
            rows.append(row)
        net = money(sum(row["AmountNoVat"] for row in rows if row["ArticleId"]))
        vat = money(sum(row["AmountNoVat"] * row["PercentVat"] for row in rows if row["ArticleId"]))
        total = money(net + vat)
        currency = customer["CurrencyCode"] or backend.company["CurrencyCode"]
        rate = self.currency_rate(currency, values.get("CurrencyRate"))
        invoice_day = parse_date_time(values["InvoiceDate"]).date() if values.get("InvoiceDate") else backend.today()
        due_day = invoice_day + timedelta(days=terms["NumberOfDays"])
        stamp = backend.stamp()
        number = backend.next_number("NextCustomerInvoiceNumber")
        invoice_id = self.backend.new_id()
        voucher = backend.accounting.book_customer_invoice(invoice_id, number, invoice_day, net, vat, rate, customer)
        record = shaped(
            "CustomerInvoiceApi",
            {
                "InvoiceAddress1": customer.get("InvoiceAddress1"),
                "InvoicePostalCode": customer["InvoicePostalCode"],
                "InvoiceCity": customer["InvoiceCity"],
                "InvoiceCountryCode": customer.get("InvoiceCountryCode"),
                **values,
                **extra,
                **self._customer_fields(customer),
                "Id": invoice_id,
                "Rows": rows,
                "TermsOfPaymentId": terms_id,
                "CurrencyCode": currency,
                "CurrencyRate": rate,
                "InvoiceNumber": number,
                "InvoiceDate": format_date(invoice_day),
                "DueDate": values.get("DueDate") or format_date(due_day),
                "InvoiceCustomerName": customer["Name"],
                "CustomerEmail": customer.get("EmailAddress"),
                "CreatedByUserId": backend.api_user_id,
                "ElectronicAddress": customer.get("ElectronicAddress"),
                "TotalAmount": money(total * rate),
                "TotalVatAmount": money(vat * rate),
                "TotalRoundings": 0.0,
                "TotalAmountInvoiceCurrency": total,
                "TotalVatAmountInvoiceCurrency": vat,
                "RemainingAmount": money(total * rate),
                "RemainingAmountInvoiceCurrency": total,
                "VatSpecification": _vat_specification(rows),
                "PaymentStatus": 2 if due_day < backend.today() else 1,
                "PaymentReferenceNumber": _ocr(number),
                "VoucherId": voucher["Id"],
                "VoucherNumber": voucher["NumberAndNumberSeries"],
                "ReverseChargeOnConstructionServices": extra.get(
                    "ReverseChargeOnConstructionServices", customer["ReverseChargeOnConstructionServices"]
                ),
                "IsNotDelivered": False,
                "ContributionMargin": _margin(
                    net, sum(r["Quantity"] * r["PurchasePrice"] for r in rows if r["ArticleId"])
                ),
                "CreatedUtc": stamp,
                "ModifiedUtc": stamp,
            },
        )
        backend.store(
            "customers",
            {
                **customer,
                "LastInvoiceDate": format_date(invoice_day),
                "UnpaidInvoicesAmount": money(customer["UnpaidInvoicesAmount"] + total * rate),
                "ChangedUtc": backend.stamp(),
            },
        )
        return record


_DELIVERY_FIELDS = (
    "DeliveryCustomerName",
    "DeliveryAddress1",
    "DeliveryAddress2",
    "DeliveryPostalCode",
    "DeliveryCity",
    "DeliveryCountryCode",
)


def _stock_effect(order: dict[str, Any] | None) -> tuple[dict[str, float], dict[str, float]]:
    reserved: dict[str, float] = {}
    shipped: dict[str, float] = {}
    if order is None or order["Status"] == DRAFT:
        return reserved, shipped
    for row in order["Rows"]:
        article_id = row.get("ArticleId")
        if not article_id:
            continue
        if order["Status"] == ONGOING:
            reserved[article_id] = reserved.get(article_id, 0.0) + row["Quantity"] - row["DeliveredQuantity"]
        else:
            shipped[article_id] = shipped.get(article_id, 0.0) + row["Quantity"]
    return reserved, shipped


def _margin(revenue: float, cost: float) -> dict[str, float | None]:
    amount = money(revenue - cost)
    return {"Amount": amount, "Percentage": round(amount / revenue * 100, 2) if revenue else None}


def _vat_specification(rows: list[dict[str, Any]]) -> list[dict[str, float]]:
    groups: dict[float, list[float]] = {}
    for row in rows:
        if row["ArticleId"]:
            groups.setdefault(row["PercentVat"], []).append(row["AmountNoVat"])
    return [
        {
            "AmountInvoiceCurrency": money(sum(amounts)),
            "VatAmountInvoiceCurrency": money(sum(amounts) * percent),
            "VatPercent": percent,
        }
        for percent, amounts in sorted(groups.items())
    ]


def _ocr(number: int) -> str:
    """A Swedish OCR reference: the invoice number plus a Luhn check digit."""
    return str(number) + luhn.calc_check_digit(str(number))


def _changed_at(values: dict[str, Any], previous: dict[str, Any], field: str, stamp: str) -> str | None:
    stamp_field = f"{field}ManuallyChangedUtc"
    value = values.get(field)
    if previous and value is not None and value != previous.get(field):
        return stamp
    if not previous and value:
        return stamp
    return previous.get(stamp_field)
