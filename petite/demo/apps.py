from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "petite.demo"
    verbose_name = "Demo data"
