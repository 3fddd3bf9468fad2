"""Django system checks: settings.SAMTYCKE and the declaration it names.

``manage.py check`` (and runserver, migrate, …) reports a bad setting as
``samtycke.E001`` and an invalid declaration as ``samtycke.E002``, one message
per problem, before the first request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured

from samtycke.contrib.django import SamtyckeSettings
from samtycke.declaration import load_declaration
from samtycke.errors import DeclarationError, SamtyckeError


def check_samtycke(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The samtycke problems of this project, as Django check messages."""
    try:
        conf = SamtyckeSettings.from_dict(getattr(settings, "SAMTYCKE", None))
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="samtycke.E001", hint="see docs/frameworks.md")]
    try:
        load_declaration(conf.declaration)
    except DeclarationError as exc:
        problems = getattr(exc, "problems", None) or [str(exc)]
        return [
            Error(str(p), id="samtycke.E002", hint=f"samtycke check {conf.declaration}")
            for p in problems
        ]
    except SamtyckeError as exc:
        return [Error(str(exc), id="samtycke.E002", hint="SAMTYCKE['DECLARATION']")]
    return []
