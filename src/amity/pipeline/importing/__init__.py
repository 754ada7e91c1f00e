"""The CRM import engine: Salesforce / HubSpot / CSV exports → validated records → a sink.

Streaming and database-free: ``run_import`` reads a file in bounded memory, detects its
encoding, delimiter and layout, validates every row into a :class:`Record` or row errors, and
hands records in batches to a :class:`Sink` (``MemorySink`` is the reference). See
``formats`` (layouts and detection), ``reader``, ``validate``, ``engine`` and ``report``.
"""

from .engine import BatchResult, ImportResult, MemorySink, Progress, Sink, run_import
from .formats import FORMATS, KINDS, ImportFileError, MappingPlan, load_mapping, plan_mapping
from .reader import Table, open_table
from .report import ErrorLog
from .validate import Record, RowError, Validator

__all__ = [
    "FORMATS",
    "KINDS",
    "BatchResult",
    "ErrorLog",
    "ImportFileError",
    "ImportResult",
    "MappingPlan",
    "MemorySink",
    "Progress",
    "Record",
    "RowError",
    "Sink",
    "Table",
    "Validator",
    "load_mapping",
    "open_table",
    "plan_mapping",
    "run_import",
]
