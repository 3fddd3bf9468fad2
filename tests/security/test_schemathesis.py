"""schemathesis with every check, valid and invalid data: 0 5xx, 0 schema mismatches."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks, positive_data_acceptance
from schemathesis.config import GenerationConfig, SchemathesisConfig
from schemathesis.config._checks import (
    NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES,
    NegativeDataRejectionConfig,
)
from schemathesis.generation import GenerationMode

from samtycke.server.openapi import openapi_document
from tests.profiles import examples, schemathesis_phases
from tests.security.conftest import GuardedServer

load_all_checks()
# Every check but one: whether a schema-valid consent is accepted depends on which
# sites, fingerprints and categories the server knows, which a static schema cannot say.
ALL_CHECKS = [c for c in CHECKS.get_all() if c is not positive_data_acceptance]

config = SchemathesisConfig()
config.projects.default.generation.update(modes=list(GenerationMode))
schemathesis_phases(config)
# A schema-violating body larger than the 16 KB limit is refused with 413 before
# it is read: that is a rejection too, as the document says.
REJECTIONS = [*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "413"]
config.projects.default.checks.negative_data_rejection = NegativeDataRejectionConfig(
    expected_statuses=REJECTIONS
)
schema = schemathesis.openapi.from_dict(openapi_document(), config=config)


@schema.parametrize()
@settings(max_examples=examples(25), deadline=None, suppress_health_check=list(HealthCheck))
def test_every_check_on_valid_and_invalid_data(
    case: schemathesis.Case, guarded: GuardedServer
) -> None:
    case.call_and_validate(base_url=guarded.url, checks=ALL_CHECKS)


def test_an_oversized_body_counts_as_rejected() -> None:
    checks = schema.config.checks
    assert "413" in checks.negative_data_rejection.expected_statuses
    assert "200" not in checks.negative_data_rejection.expected_statuses


def test_both_generation_modes_are_on() -> None:
    assert isinstance(config.projects.default.generation, GenerationConfig)
    assert set(config.projects.default.generation.modes) == set(GenerationMode)
