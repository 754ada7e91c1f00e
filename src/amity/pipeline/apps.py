from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "amity.pipeline"
    label = "pipeline"
    verbose_name = "Pipeline"

    def ready(self) -> None:
        from amity.core.agenda import register_daily

        from . import agenda, agenda_leads
        from .services import registrations_expire

        # Decision deadlines, protection windows and expected close dates on the shared agenda.
        agenda.register()
        agenda_leads.register()
        # Before each day's reminders: approved registrations past their window expire.
        register_daily("pipeline", lambda today: registrations_expire(today))
