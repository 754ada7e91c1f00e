"""REST API of the comments app."""

from ninja import Router

router = Router()
