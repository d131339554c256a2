from .source import SourceEAccounting

__all__ = ["SourceEAccounting"]
