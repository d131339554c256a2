from .catalogue import ALL_STREAMS

__all__ = ["ALL_STREAMS"]
