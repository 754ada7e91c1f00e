"""Synthetic data at scale: ``generate()`` in :mod:`amity.synth.generate` (``amity generate``).

A plain package, not a Django app: it writes the other apps' tables (:mod:`.writer`) with names
built from word lists (:mod:`.names`, :mod:`.words`). See docs/generate.md.
"""
