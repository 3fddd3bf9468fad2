"""schemathesis against /openapi.json on a live server: no 5xx, answers as documented."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig
from starlette.routing import Route

from samtycke.contract import BannerConfig, ConsentRequest
from samtycke.contract_rules import object_schema
from samtycke.server import ServerConfig, create_app
from samtycke.server.openapi import SCHEMAS, openapi_document
from samtycke.server.validation import FIELDS
from tests import web
from tests.profiles import examples, schemathesis_phases
from tests.server.conftest import LiveServer, write_site

config = SchemathesisConfig()
schemathesis_phases(config)
schema = schemathesis.openapi.from_dict(openapi_document(), config=config)


@schema.parametrize()
@settings(max_examples=examples(30), deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_conforms_and_never_fails(case: schemathesis.Case, server: LiveServer) -> None:
    # Whether a schema-valid consent is accepted depends on the server's state (which
    # sites, fingerprints and categories it knows), which a static schema cannot say.
    case.call_and_validate(base_url=server.url, excluded_checks=[positive_data_acceptance])


def test_served_document_is_the_one_tested(server: LiveServer) -> None:
    served = web.get(server.url + "/openapi.json").json()
    assert served == openapi_document()
    assert served["openapi"].startswith("3.1")


def test_documented_request_fields_are_the_validated_ones() -> None:
    assert set(SCHEMAS["ConsentRequest"]["properties"]) == set(FIELDS)
    assert {"decision_id", "refused_services", "source"} <= set(FIELDS)


def test_every_route_of_the_app_is_described(tmp_path: Path) -> None:
    app = create_app(ServerConfig(declaration=write_site(tmp_path, "shop", "shop.example")))
    described = openapi_document()["paths"]
    for route in app.routes:
        assert isinstance(route, Route)
        for method in route.methods or ():
            if method != "HEAD":
                assert method.lower() in described.get(route.path, {}), (
                    f"{method} {route.path} is not in the OpenAPI document"
                )


def test_bodies_are_generated_from_the_contract() -> None:
    assert SCHEMAS["ConsentRequest"] == object_schema(ConsentRequest, closed=True)
    assert SCHEMAS["BannerConfig"] == object_schema(BannerConfig)
