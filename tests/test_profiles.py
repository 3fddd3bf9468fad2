"""The Hypothesis profiles every run of the suite uses."""

from __future__ import annotations

from hypothesis import settings

from tests.profiles import FAST_EXAMPLES


def test_no_property_has_a_deadline() -> None:
    # A deadline is a timing assertion: it failed properties on a loaded machine.
    assert settings.default.deadline is None


def test_the_quick_profile_keeps_the_suite_settings() -> None:
    quick = settings.get_profile("fast")
    assert quick.deadline is None
    assert quick.max_examples == FAST_EXAMPLES
