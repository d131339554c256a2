"""Deciding the eAccounting VAT code for a sale: by Exact VAT code, or by the customer's country and VAT number."""

from __future__ import annotations

from dataclasses import dataclass

from ledgerbridge_mappings.exact_to_eaccounting.lookups import VatCodeIndex, VatCodeRef
from ledgerbridge_mappings.exact_to_eaccounting.rules.vat import VatMode, VatRules
from ledgerbridge_mappings.plan import RecordRejected
from ledgerbridge_mappings.shared.vat_scenarios import VatParty, VatScenario, classify_sale


@dataclass(frozen=True, slots=True)
class VatDecision:
    code: VatCodeRef
    scenario: VatScenario


class VatResolver:
    def __init__(self, rules: VatRules, codes: VatCodeIndex) -> None:
        self._rules = rules
        self._codes = codes
        self._by_exact = {m.exact_code.strip().upper(): m.eaccounting_code for m in rules.code_map}
        self._per_country = {c.country: c.eaccounting_code for c in rules.per_country}

    def classify(self, party: VatParty, field_name: str) -> VatScenario:
        home = self._rules.home_country
        if home is None:
            raise RecordRejected(field_name, "vat.home_country is not configured, so the VAT scenario is unknown")
        if party.country is None:
            raise RecordRejected(field_name, "no country to decide VAT on")
        return classify_sale(home, party)

    def resolve(self, exact_code: str | None, party: VatParty, field_name: str) -> VatDecision:
        """The eAccounting VAT code for one line, or ``RecordRejected`` naming ``field_name`` and the reason."""
        if self._rules.mode is VatMode.BY_CODE:
            code = (exact_code or "").strip().upper()
            mapped = self._by_exact.get(code) if code else None
            if mapped is not None:
                return self._known(mapped, VatScenario.MAPPED_CODE, field_name, "vat.code_map")
            country_code = self._per_country.get(party.country or "")
            if country_code is not None:
                return self._known(country_code, VatScenario.COUNTRY_DEFAULT, field_name, "vat.per_country")
            if self._rules.fallback_code:
                return self._known(self._rules.fallback_code, VatScenario.FALLBACK, field_name, "vat.fallback_code")
            shown = repr(exact_code) if code else "no VAT code"
            raise RecordRejected(
                field_name, f"{shown} is not in vat.code_map and there is no default for country {party.country!r}"
            )
        scenario = self.classify(party, field_name)
        if scenario is VatScenario.EU_REVERSE_CHARGE:
            return self._required(
                self._rules.eu_reverse_charge_code, scenario, field_name, "vat.eu_reverse_charge_code"
            )
        if scenario is VatScenario.EXPORT:
            return self._required(self._rules.export_code, scenario, field_name, "vat.export_code")
        country = party.country if scenario is VatScenario.EU_CONSUMER else self._rules.home_country
        country_vat_code = self._per_country.get(country or "")
        if country_vat_code is not None:
            return self._known(country_vat_code, scenario, field_name, "vat.per_country")
        return self._required(None, scenario, field_name, f"vat.per_country[{country}]")

    def _required(self, code: str | None, scenario: VatScenario, field_name: str, setting: str) -> VatDecision:
        if not code:
            if self._rules.fallback_code:
                return self._known(self._rules.fallback_code, VatScenario.FALLBACK, field_name, "vat.fallback_code")
            raise RecordRejected(field_name, f"{scenario.value.replace('_', ' ')} sale but {setting} is not set")
        return self._known(code, scenario, field_name, setting)

    def _known(self, code: str, scenario: VatScenario, field_name: str, setting: str) -> VatDecision:
        ref = self._codes.get(code)
        if ref is None:
            raise RecordRejected(field_name, f"eAccounting VAT code {code!r} from {setting} does not exist")
        return VatDecision(ref, scenario)
