"""A local, faithful emulator of the Exact Online REST API (OAuth, OData v2, sync/bulk, rate limits)."""
