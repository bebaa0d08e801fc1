"""Fuzzing of the whole API from its own OpenAPI schema (schemathesis), one file per caller so
that the two test processes run them side by side; the fixtures are in conftest.py."""

import schemathesis
from hypothesis import HealthCheck, settings

schema = schemathesis.pytest.from_fixture("fuzz_schema")
# The same budget for every caller.
fuzz_settings = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
