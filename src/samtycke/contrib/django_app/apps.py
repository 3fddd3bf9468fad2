"""Django app configuration."""

from __future__ import annotations

from django.apps import AppConfig


class SamtyckeConfig(AppConfig):  # type: ignore[misc]  # Django has no type hints
    """samtycke's template tags, URLs and system checks; label ``samtycke``."""

    name = "samtycke.contrib.django_app"
    label = "samtycke"
    verbose_name = "samtycke cookie consent"

    def ready(self) -> None:
        """Register the system checks of settings.SAMTYCKE and the declaration."""
        from django.core import checks

        from samtycke.contrib.django_app.checks import check_samtycke

        checks.register(check_samtycke, "samtycke")
