"""The installable Django app ``samtycke.contrib.django_app``: the ``{% load samtycke %}`` tags.

Add it to ``INSTALLED_APPS``; the middleware itself is
``samtycke.contrib.django.ConsentMiddleware``.
"""
