"""Amity's WSGI application with its URL configuration imported up front.

The scenarios run gunicorn with ``--preload`` and this module, so the (slow, on a loaded
2-core box) first import of every view and API schema happens once in the master rather than
in each worker under gunicorn's boot timeout; the request handling is Amity's own."""

import importlib

from amity.wsgi import application

importlib.import_module("amity.urls")

__all__ = ["application"]
