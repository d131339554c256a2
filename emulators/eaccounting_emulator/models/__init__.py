"""One company's state (``backend``, ``store``) and the business rules of each area (``rules/``). No HTTP here."""
