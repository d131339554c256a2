from destination_exact_online.destination import DestinationExactOnline

__all__ = ["DestinationExactOnline"]
