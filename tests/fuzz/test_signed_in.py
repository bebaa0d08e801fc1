"""Fuzzing of the whole API from its own OpenAPI schema, as a signed-in outreach worker."""

import schemathesis

from tests.fuzz import fuzz_settings, schema


@schema.parametrize()
@fuzz_settings
def test_api_conforms_to_its_schema_signed_in(case: schemathesis.Case, worker_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {worker_token}"})
