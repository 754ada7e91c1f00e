"""The benchmark suite behind ``benchmarks/run.py`` (``make bench``, ``make bench-quick``).

``database`` makes a fresh migrated database, ``data`` fills it (``amity generate``), ``measure``
times an operation beside its raw baseline and checks both give the same answer, ``ops`` holds
the operations (Amity's code path and the hand-written SQL doing the same work), ``external``
runs the existing import and mapping benchmarks, ``report`` writes the JSON, the table and
``docs/performance.md``.
"""
