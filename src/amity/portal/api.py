"""REST API of the portal app."""

from ninja import Router

router = Router()
