"""Framework adapters for :mod:`samtycke.enforce`.

- ``samtycke.contrib.django``: ``ConsentMiddleware`` for Django, settings read
  from ``settings.SAMTYCKE``; add the app ``samtycke.contrib.django_app`` for the
  ``{% load samtycke %}`` template tags.
- ``samtycke.contrib.flask``: the ``Samtycke`` extension (``flask.g.consent``).

FastAPI and Starlette need no adapter: use ``samtycke.enforce.ConsentMiddleware``.
"""
