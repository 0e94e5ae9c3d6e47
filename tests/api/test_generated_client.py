"""A Python client generated from /api/schema/ by openapi-python-client imports and works (issue 19 item 5).

Integrators generate their client from the schema; this test does the same from the live server's schema,
imports every module of the result (one body content type per operation, or the generated code fails with
``NameError: Unset``), then drives a short journey through it: a token, the firm list, a firm's typed
eligibility, a what-if, and an application a firm user opens and submits.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from api.examples import WHAT_IF_EXAMPLE
from cultivation.tiers import INNOVATIVE_SME

PACKAGE = "tiermark_api_client"  # openapi-python-client's name for the schema titled "Tiermark API"
PASSWORD = "pw-for-tests-123"  # tests.factories.UserFactory's
GENERATOR = Path(sys.executable).with_name("openapi-python-client")

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def generate(base_url: str, workdir: Path) -> Path:
    """The client generated from the schema the server serves; no post-hooks (nothing to fetch or format)."""
    schema = httpx.get(f"{base_url}/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert schema.status_code == 200
    (workdir / "schema.json").write_bytes(schema.content)
    (workdir / "config.yaml").write_text("post_hooks: []\n")
    output = workdir / "client"
    command = [str(GENERATOR), "generate", "--path", "schema.json", "--output-path", str(output)]
    done = subprocess.run(
        [*command, "--config", "config.yaml"], cwd=workdir, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    return output


@pytest.fixture
def client_package(live_server, tmp_path):
    """The generated package, imported module by module; unloaded afterwards."""
    output = generate(live_server.url, tmp_path)
    sys.path.insert(0, str(output))
    try:
        package = importlib.import_module(PACKAGE)
        failures = []
        for module in pkgutil.walk_packages(package.__path__, f"{PACKAGE}."):
            try:
                importlib.import_module(module.name)
            except Exception as exc:  # every failing module is listed, not only the first
                failures.append(f"{module.name}: {type(exc).__name__}: {exc}")
        assert failures == []
        yield package
    finally:
        sys.path.remove(str(output))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


def signed_in(live_server, username: str):
    """An authenticated generated client, its token obtained through the generated token operation."""
    client_module, models = module("client"), module("models")
    token_create = module("api.token.token_create")
    anonymous = client_module.Client(base_url=live_server.url)
    answer = token_create.sync(
        client=anonymous, body=models.AuthTokenRequest(username=username, password=PASSWORD)
    )
    assert isinstance(answer, models.TokenResponse), answer
    return client_module.AuthenticatedClient(base_url=live_server.url, token=answer.token, prefix="Token")


def test_the_eligibility_components_are_typed_models(client_package):
    models = module("models")
    for name in ("EligibilityReport", "TierReport", "CriterionResult", "CriterionPart"):
        assert isinstance(getattr(models, name), type), name
    assert {status.value for status in models.CriterionStatusEnum} == {"met", "not_met", "pending", "missing"}


def test_a_journey_through_the_generated_client(client_package, live_server, caseworker, firm, firm_user):
    models = module("models")
    staff = signed_in(live_server, caseworker.username)

    page = module("api.firms.firms_list").sync(client=staff)
    assert firm.credit_code in [row.credit_code for row in page.results]

    report = module("api.firms.firms_eligibility_retrieve").sync(firm.credit_code, client=staff)
    assert isinstance(report, models.EligibilityReport), report
    tier = report.tiers[INNOVATIVE_SME]
    assert isinstance(tier, models.TierReport) and tier.eligible is True
    assert all(isinstance(c, models.CriterionResult) for c in tier.criteria)
    assert {c.status for c in tier.criteria} <= set(models.CriterionStatusEnum)
    assert models.CriterionStatusEnum.MET in {c.status for c in tier.criteria}

    what_if = module("api.eligibility.eligibility_create").sync(
        client=staff, body=models.WhatIfRequest.from_dict({**WHAT_IF_EXAMPLE, "years": []})
    )
    assert isinstance(what_if, models.EligibilityReport), what_if
    statuses = {c.status for tier in what_if.tiers.additional_properties.values() for c in tier.criteria}
    assert models.CriterionStatusEnum.MISSING in statuses  # no figures: the bars cannot be judged

    applicant = signed_in(live_server, firm_user.username)
    draft = module("api.applications.applications_create").sync(
        client=applicant,
        body=models.ApplicationCreateRequest(firm=firm.credit_code, tier=models.TierEnum(INNOVATIVE_SME)),
    )
    assert isinstance(draft, models.ApplicationDetail), draft
    submitted = module("api.applications.applications_transition_create").sync(
        draft.id, client=applicant, body=models.TransitionRequest(action=models.TransitionActionEnum.SUBMIT)
    )
    assert isinstance(submitted, models.ApplicationDetail), submitted
    assert submitted.status == models.ApplicationStatusEnum.SUBMITTED
