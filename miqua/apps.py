from django.apps import AppConfig


class MiquaConfig(AppConfig):
    """The project package as an app, so that Django finds the commands that join several apps
    (`miqua/management/commands`: seed_demo, bench_network, compiletranslations). Listed last in
    INSTALLED_APPS: it stands on top of every domain app. It has no models."""

    name = "miqua"
    label = "miqua"
    verbose_name = "MIQUA"
