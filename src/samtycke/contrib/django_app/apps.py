"""Django app configuration."""

from __future__ import annotations

from django.apps import AppConfig


class SamtyckeConfig(AppConfig):  # type: ignore[misc]  # Django has no type hints
    """samtycke's template tags; label ``samtycke``."""

    name = "samtycke.contrib.django_app"
    label = "samtycke"
    verbose_name = "samtycke cookie consent"
