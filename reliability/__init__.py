"""Reliability scenarios (issue 9): faults and soak against real processes on loopback.

``python reliability/run.py`` (``make reliability``) runs them all and prints the summary
table; ``docs/reliability.md`` says what is guaranteed and what was measured.
"""
