"""Amity: a self-hosted strategic alliance management system."""

__version__ = "0.1.0"
