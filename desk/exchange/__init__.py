"""What enters or leaves the ledger as files: Excel, PDF, signatures. No Qt."""
