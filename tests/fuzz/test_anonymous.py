"""Fuzzing of the whole API from its own OpenAPI schema, as a caller who is not signed in."""

import schemathesis
from hypothesis import HealthCheck, settings

schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate()
