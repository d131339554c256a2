"""Shared helpers for emulator tests live next to the emulator they test; this file only documents the layout."""
