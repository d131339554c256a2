"""Airbyte destination for Visma eAccounting: Exact Online orders, invoices and financial mutations, exactly once."""

from .destination import DestinationEaccounting

__all__ = ["DestinationEaccounting"]
