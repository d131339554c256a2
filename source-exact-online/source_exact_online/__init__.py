from source_exact_online.source import SourceExactOnline

__all__ = ["SourceExactOnline"]
