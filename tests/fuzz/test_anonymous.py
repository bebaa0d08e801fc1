"""Fuzzing of the whole API from its own OpenAPI schema, as a caller who is not signed in."""

import schemathesis

from tests.fuzz import fuzz_settings, schema


@schema.parametrize()
@fuzz_settings
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate()
