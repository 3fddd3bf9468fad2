"""Template tag libraries of ``samtycke.contrib.django_app``."""
