"""Background tasks (Django's Tasks API through the django-tasks backport).

``amity worker`` enqueues :func:`send_daily_reminders` once a day and runs it; any other
task backend (``AMITY_TASKS_BACKEND``) runs the same task without a change here.
"""

from __future__ import annotations

from datetime import date

from django_tasks import task

from . import services


@task()
def send_daily_reminders(day: str | None = None) -> int:
    """Run the day's passes, then give the reminders of ``day`` (ISO date; today when omitted);
    return how many reminders were created."""
    return services.daily_run(today=date.fromisoformat(day) if day else None)
