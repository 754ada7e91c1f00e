from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "amity.pipeline"
    label = "pipeline"
    verbose_name = "Pipeline"
