"""ledgerbridge: run the Exact Online <-> eAccounting connections locally, the way Airbyte runs them."""
