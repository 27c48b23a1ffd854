"""Property-based requests from the OpenAPI schema (schemathesis) against the real app under
uvicorn: no server error, every status and body as the schema declares, Vietnamese errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.app import create_app
from api.container import build_container
from domain.settings import Settings
from tests.api.server import running
from tests.conftest import HashEmbedder, new_database_url
from tests.plans import write_docx

pytestmark = pytest.mark.integration

TOKEN = "schema-fuzz-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES = 150  # per operation (hypothesis stops early when it has tried all it can)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over its own stores (uploads the fuzzer makes stay here), one plan loaded."""
    tmp = tmp_path_factory.mktemp("fuzz")
    app_settings = Settings(
        data_dir=tmp,
        database_url=new_database_url(tmp / "db"),
        today=date(2026, 9, 10),
        admin_token=TOKEN,
        max_upload_mb=1,
    )
    container = build_container(app_settings, embedder=HashEmbedder())
    plan = write_docx(tmp / "plan.docx")
    assert container.ingestor.ingest_file(plan).status == "added"
    with running(create_app(app_settings, container)) as (host, port):
        yield f"http://{host}:{port}"
    container.close()


def test_every_operation_answers_as_declared(base_url: str) -> None:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    calls = {"n": 0}

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def answers_as_declared(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=AUTH, timeout=30)
            calls["n"] += 1
            # a file's bytes can be schema-valid and still be no plan (415/422 by content)
            case.validate_response(response, excluded_checks=[positive_data_acceptance])
            if response.status_code >= 400:
                detail = response.json()["detail"]
                assert isinstance(detail, str) and not detail.isascii(), detail  # Vietnamese

        answers_as_declared()
    print(f"\n{calls['n']} generated requests over {len(operations)} operations")  # noqa: T201
    assert calls["n"] >= 1000


def test_the_schema_declares_the_error_statuses(base_url: str) -> None:
    import httpx

    spec = httpx.get(f"{base_url}/openapi.json").json()
    upload = spec["paths"]["/documents"]["post"]["responses"]
    assert {"202", "401", "403", "413", "415", "422", "429", "503"} <= set(upload)
    error = upload["413"]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/ErrorBody")
    assert "422" in spec["paths"]["/ask"]["post"]["responses"]
