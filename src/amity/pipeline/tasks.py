"""Background tasks of the pipeline app (run by ``amity worker``)."""

from __future__ import annotations

from django_tasks import task

from . import services_imports


@task()
def run_import_job(job_id: int) -> str:
    """Run a confirmed CRM import; return its final status."""
    return services_imports.import_run(job_id)
