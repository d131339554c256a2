"""eAccounting's business rules, by area (sales, accounting); each registers its builders and delete hooks on
the backend through the ``Ledger`` contract."""
