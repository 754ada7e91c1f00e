"""Funds and incentives: REST API (being written)."""

from ninja import Router

router = Router()
