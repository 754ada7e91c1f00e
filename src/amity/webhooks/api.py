"""REST API of the webhooks app."""

from ninja import Router

router = Router()
