"""The PySide6 user interface. Nothing outside desk.ui imports it."""
