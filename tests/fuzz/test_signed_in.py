"""Fuzzing of the whole API from its own OpenAPI schema, as a signed-in outreach worker."""

import schemathesis
from hypothesis import HealthCheck, settings

schema = schemathesis.pytest.from_fixture("fuzz_schema")


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema_signed_in(case: schemathesis.Case, worker_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {worker_token}"})
