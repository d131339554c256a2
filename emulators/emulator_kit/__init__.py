"""Pieces both emulators share: emulated clock, fault injection, admin endpoints, server start contract, state file."""
