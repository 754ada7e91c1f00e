"""REST API of the portfolio optimizer (being written)."""
