"""Exact's business rules on create/update/delete, by domain (CRM, sales, stock, journals); ``dispatch`` runs them.
Everything here runs under the backend lock."""
