"""The project ledger section: the project table, the project editor and the monthly grid."""
