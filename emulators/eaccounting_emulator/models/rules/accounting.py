"""Accounting rules: fiscal years, the chart of accounts (one per fiscal year, keyed by year and number), vouchers
that must balance, cost centres with their items, and projects.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from eaccounting_emulator.exceptions import (
    ACCOUNT_NOT_FOUND,
    CAN_NOT_BE_CREATED_OR_UPDATED,
    CONFLICT,
    FISCAL_YEAR_DOES_NOT_EXIST,
    FISCAL_YEAR_OVERLAP,
    VOUCHER_DATE_IN_LOCKED_YEAR,
    BusinessRuleViolated,
    NotFound,
    ValidationFailed,
    field_error,
)
from eaccounting_emulator.models.money import money
from eaccounting_emulator.models.store import account_key
from eaccounting_emulator.schemas import format_date, parse_date_time, shaped

if TYPE_CHECKING:
    from eaccounting_emulator.models.rules.ledger import Ledger

MANUAL_VOUCHER, CUSTOMER_INVOICE_DEBIT = 2, 14
DEFAULT_SERIES, CUSTOMER_INVOICE_SERIES = "A", "B"
RECEIVABLES, SALES, OUTPUT_VAT = 1510, 3001, 2611


class AccountingRules:
    def __init__(self, backend: Ledger) -> None:
        self.backend = backend
        self.project_numbers: dict[str, str] = {}
        backend.builders.update(
            fiscalyears=self.build_fiscal_year,
            accounts=self.build_account,
            vouchers=self.build_voucher,
            costcenters=self.build_cost_center,
            costcenteritems=self.build_cost_center_item,
            projects=self.build_project,
        )

    def reindex(self) -> None:
        projects = self.backend.collection("projects").records
        self.project_numbers = {record["Number"]: key for key, record in projects.items()}

    # --- fiscal years -------------------------------------------------------------------------------------------
    def fiscal_year_for(self, day: date) -> dict[str, Any] | None:
        text = format_date(day)
        for year in self.backend.collection("fiscalyears").values():
            if year["StartDate"] <= text <= year["EndDate"]:
                return year
        return None

    def build_fiscal_year(self, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        missing = [name for name in ("StartDate", "EndDate") if not values.get(name)]
        if missing:
            raise ValidationFailed(
                [field_error(name, "Required", f"The {name} field is required.") for name in missing]
            )
        if values["EndDate"] <= values["StartDate"]:
            raise ValidationFailed([field_error("EndDate", "Range", "EndDate must be after StartDate.")])
        for year in self.backend.collection("fiscalyears").values():
            if values["StartDate"] <= year["EndDate"] and year["StartDate"] <= values["EndDate"]:
                raise BusinessRuleViolated(FISCAL_YEAR_OVERLAP, "The fiscal year overlaps an existing one", "StartDate")
        return shaped("FiscalYearApi", {**values, "Id": self.backend.new_id(), "BookkeepingMethod": 0})

    def lock_fiscal_year(self, year_id: str, values: dict[str, Any]) -> dict[str, Any]:
        with self.backend.lock:
            year = self.backend.get("fiscalyears", year_id, "FiscalYear")
            updated = {**year, "IsLockedForAccounting": bool(values.get("IsLockedForAccounting"))}
            self.backend.store("fiscalyears", updated)
            return updated

    # --- accounts -----------------------------------------------------------------------------------------------
    def build_account(self, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        backend = self.backend
        moved = existing is not None and (
            str(values["Number"]) != existing["Number"] or values["FiscalYearId"] != existing["FiscalYearId"]
        )
        if moved:
            raise ValidationFailed(
                [field_error("Number", "InvalidValue", "Number and FiscalYearId must match the account in the URL.")]
            )
        number = str(values["Number"])
        if not number.isdigit() or len(number) != backend.company["AccountNumberDigits"]:
            digits = backend.company["AccountNumberDigits"]
            raise ValidationFailed(
                [field_error("Number", "InvalidValue", f"Number must be a {digits}-digit account number.")]
            )
        backend.reference("fiscalyears", values["FiscalYearId"], "FiscalYearId", "FiscalYear")
        if existing is None and backend.collection("accounts").get(account_key(values["FiscalYearId"], number)):
            raise BusinessRuleViolated(CONFLICT, f"Account {number} already exists in this fiscal year", "Number")
        vat_code = backend.reference("vatcodes", values.get("VatCodeId"), "VatCodeId", "VatCode")
        stamp = backend.stamp()
        return shaped(
            "AccountApi",
            {
                **values,
                "Number": number,
                "VatCodeDescription": vat_code["Description"] if vat_code else None,
                "CreatedUtc": (existing or {}).get("CreatedUtc", stamp),
                "ModifiedUtc": stamp,
            },
        )

    # --- vouchers -----------------------------------------------------------------------------------------------
    def build_voucher(self, values: dict[str, Any], existing: dict[str, Any] | None, **options: Any) -> dict[str, Any]:
        backend = self.backend
        day = parse_date_time(values["VoucherDate"]).date() if values.get("VoucherDate") else backend.today()
        year = self._open_year(day)
        if len(values["Rows"]) < 2:
            raise ValidationFailed([field_error("Rows", "MinLength", "A voucher needs at least two rows.")])
        rows, debit, credit = [], 0.0, 0.0
        for index, row_values in enumerate(values["Rows"]):
            account = backend.collection("accounts").get(account_key(year["Id"], row_values["AccountNumber"]))
            if account is None:
                raise BusinessRuleViolated(
                    ACCOUNT_NOT_FOUND,
                    f"Account {row_values['AccountNumber']} does not exist in the fiscal year of the voucher date",
                    f"Rows[{index}].AccountNumber",
                )
            row = shaped("VoucherRowApi", {**row_values, "AccountDescription": account["Name"]})
            if row["DebitAmount"] and row["CreditAmount"]:
                raise ValidationFailed(
                    [field_error(f"Rows[{index}]", "InvalidValue", "A row has either a debit or a credit amount.")]
                )
            debit += row["DebitAmount"]
            credit += row["CreditAmount"]
            rows.append(row)
        if money(debit) != money(credit):
            raise BusinessRuleViolated(
                CAN_NOT_BE_CREATED_OR_UPDATED,
                f"The voucher must have balanced debit and credit amounts (debit {money(debit):.2f}, "
                f"credit {money(credit):.2f})",
                "Rows",
            )
        series = DEFAULT_SERIES
        if options.get("use_default_series") is False and values.get("NumberSeries"):
            series = values["NumberSeries"]
        return self._voucher(year, series, day, values, rows)

    def _open_year(self, day: date) -> dict[str, Any]:
        year = self.fiscal_year_for(day)
        if year is None:
            raise BusinessRuleViolated(FISCAL_YEAR_DOES_NOT_EXIST, f"No fiscal year covers {day}", "VoucherDate")
        if year["IsLockedForAccounting"]:
            raise BusinessRuleViolated(
                VOUCHER_DATE_IN_LOCKED_YEAR, f"The fiscal year covering {day} is locked", "VoucherDate"
            )
        return year

    def _voucher(
        self, year: dict[str, Any], series: str, day: date, values: dict[str, Any], rows: list[dict[str, Any]]
    ) -> dict[str, Any]:
        backend = self.backend
        counter = f"{year['Id']}/{series}"
        number = backend.voucher_series.get(counter, 1)
        backend.voucher_series[counter] = number + 1
        stamp = backend.stamp()
        return shaped(
            "VoucherApi",
            {
                "VoucherType": MANUAL_VOUCHER,
                **values,
                "Id": self.backend.new_id(),
                "VoucherDate": format_date(day),
                "Rows": rows,
                "NumberSeries": series,
                "NumberAndNumberSeries": f"{series}{number}",
                "CreatedUtc": stamp,
                "ModifiedUtc": stamp,
            },
        )

    def book_customer_invoice(
        self, invoice_id: str, number: int, day: date, net: float, vat: float, rate: float, customer: dict[str, Any]
    ) -> dict[str, Any]:
        """The voucher a customer invoice is booked with: receivable against sales and output VAT."""
        year = self._open_year(day)
        rows = [
            shaped("VoucherRowApi", {"AccountNumber": RECEIVABLES, "DebitAmount": money((net + vat) * rate)}),
            shaped("VoucherRowApi", {"AccountNumber": SALES, "CreditAmount": money(net * rate)}),
        ]
        if vat:
            rows.append(shaped("VoucherRowApi", {"AccountNumber": OUTPUT_VAT, "CreditAmount": money(vat * rate)}))
        # Rounding both legs independently can leave one öre; it goes to the sales leg as on a real invoice voucher.
        difference = money(rows[0]["DebitAmount"] - sum(row["CreditAmount"] for row in rows[1:]))
        rows[1]["CreditAmount"] = money(rows[1]["CreditAmount"] + difference)
        accounts = self.backend.collection("accounts")
        for row in rows:
            account = accounts.get(account_key(year["Id"], row["AccountNumber"]))
            row["AccountDescription"] = account["Name"] if account else None
            row["TransactionText"] = f"{customer['Name'][:40]}, faktura {number}"
        voucher = self._voucher(
            year,
            CUSTOMER_INVOICE_SERIES,
            day,
            {"VoucherText": f"Kundfaktura {number}", "VoucherType": CUSTOMER_INVOICE_DEBIT, "SourceId": invoice_id},
            rows,
        )
        self.backend.store("vouchers", voucher)
        return voucher

    def voucher_in_year(self, year_id: str, voucher_id: str) -> dict[str, Any]:
        year = self.backend.get("fiscalyears", year_id, "FiscalYear")
        voucher = self.backend.collection("vouchers").get(voucher_id)
        if voucher is None or not (year["StartDate"] <= voucher["VoucherDate"] <= year["EndDate"]):
            raise NotFound("Voucher", voucher_id)
        return voucher

    # --- cost centres -------------------------------------------------------------------------------------------
    def build_cost_center(self, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        if existing is None:
            raise BusinessRuleViolated(CAN_NOT_BE_CREATED_OR_UPDATED, "Cost centers cannot be created through the API")
        return shaped("CostCenterApi", {**existing, "Name": values["Name"], "IsActive": values.get("IsActive", False)})

    def build_cost_center_item(self, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        backend = self.backend
        center = backend.reference("costcenters", values["CostCenterId"], "CostCenterId", "CostCenter")
        key = backend.identity(existing)
        for item in center["Items"]:
            if item["ShortName"] == values["ShortName"] and item["Id"] != key:
                raise BusinessRuleViolated(CONFLICT, f"ShortName {values['ShortName']} is already used", "ShortName")
        item = shaped(
            "CostCenterItemApi",
            {**values, "Id": key, "CreatedUtc": (existing or {}).get("CreatedUtc") or backend.stamp()},
        )
        if existing and existing["CostCenterId"] != item["CostCenterId"]:
            self._refresh_items(existing["CostCenterId"], drop=key)
        self._refresh_items(item["CostCenterId"], add=item)
        return item

    def _refresh_items(self, center_id: str, add: dict[str, Any] | None = None, drop: str | None = None) -> None:
        center = self.backend.get("costcenters", center_id, "CostCenter")
        items = [item for item in center["Items"] if item["Id"] not in (drop, add and add["Id"])]
        if add:
            items.append(add)
        self.backend.store("costcenters", {**center, "Items": items})

    # --- projects -----------------------------------------------------------------------------------------------
    def build_project(self, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        backend = self.backend
        key = backend.identity(existing)
        owner = self.project_numbers.get(values["Number"])
        if owner is not None and owner != key:
            raise BusinessRuleViolated(CONFLICT, "The project number must be unique", "Number")
        customer = backend.reference("customers", values.get("CustomerId"), "CustomerId", "Customer")
        if existing and existing["Number"] != values["Number"]:
            self.project_numbers.pop(existing["Number"], None)
        self.project_numbers[values["Number"]] = key
        return shaped(
            "ProjectApi",
            {
                "StartDate": format_date(backend.today()),
                **values,
                "Id": key,
                "CustomerName": customer["Name"] if customer else None,
                "ModifiedUtc": backend.stamp(),
            },
        )
