"""REST API of business cases (being written)."""
