"""The ledger on SQLite (through sqlite-utils): open, migrate, back up, query, audit. No Qt."""

from desk.store.ledger import Ledger

__all__ = ["Ledger"]
