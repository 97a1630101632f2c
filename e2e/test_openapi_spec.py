"""Check the API contract, Sources/APISpec/openapi.yaml, without building anything.

* The file is a valid OpenAPI 3.1 document (openapi-spec-validator).
* Every operation of the contract exists at its path and method with its operationId, and there are no others.
* Every operation except getHealth requires the `bearer` security scheme (globally or on the operation).
* Every operation declares a `default` response as application/problem+json.
* Every request-body object schema rejects unknown fields (additionalProperties: false).
* Every component schema and every property has a description.

Run: pip install openapi-spec-validator pyyaml pytest && pytest e2e/test_openapi_spec.py
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

SPEC_PATH = Path(__file__).resolve().parent.parent / "Sources" / "APISpec" / "openapi.yaml"

EXPECTED = {
    ("get", "/health"): "getHealth",
    ("get", "/v1/accounts"): "listAccounts",
    ("get", "/v1/accounts/{account_id}"): "getAccount",
    ("post", "/v1/accounts/{account_id}/recall"): "recallAccount",
    ("get", "/v1/consumers/{consumer_id}"): "getConsumer",
    ("get", "/v1/clients"): "listClients",
    ("post", "/v1/clients"): "createClient",
    ("get", "/v1/api-keys"): "listApiKeys",
    ("post", "/v1/api-keys/{api_key_id}/revoke"): "revokeApiKey",
    ("post", "/v1/placements"): "createPlacement",
    ("get", "/v1/placements/{placement_id}"): "getPlacement",
    ("get", "/v1/placements/{placement_id}/errors"): "getPlacementErrors",
    ("get", "/v1/audit-events"): "listAuditEvents",
    ("post", "/v1/compliance/check"): "checkContact",
    ("get", "/v1/accounts/{account_id}/contactability"): "getContactability",
    ("get", "/v1/accounts/{account_id}/validation-notice"): "getValidationNotice",
    ("get", "/v1/accounts/{account_id}/contacts"): "listContacts",
    ("post", "/v1/accounts/{account_id}/contacts"): "recordContact",
    ("get", "/v1/accounts/{account_id}/facts"): "listFacts",
    ("post", "/v1/accounts/{account_id}/facts"): "recordFact",
    ("post", "/v1/accounts/{account_id}/messages"): "sendMessage",
    ("get", "/v1/accounts/{account_id}/communications"): "listCommunications",
    ("get", "/v1/outbox"): "listOutbox",
    ("get", "/v1/inbox"): "listInbox",
    ("post", "/v1/inbox/{inbound_id}/close"): "closeInbound",
    ("post", "/v1/accounts/{account_id}/calls"): "placeCall",
    ("get", "/v1/accounts/{account_id}/calls"): "listCalls",
    ("post", "/v1/calls/{call_id}/disposition"): "dispositionCall",
    ("post", "/v1/letters/{message_id}/returned"): "recordReturnedMail",
    ("get", "/v1/templates"): "listTemplates",
    ("post", "/v1/templates"): "saveTemplate",
    ("get", "/v1/templates/{template_id}"): "getTemplate",
    ("put", "/v1/templates/{template_id}"): "updateTemplate",
    ("delete", "/v1/templates/{template_id}"): "deleteTemplate",
    ("post", "/v1/templates/preview"): "previewTemplate",
    ("get", "/v1/clients/{client_id}/mapping"): "getClientMapping",
    ("put", "/v1/clients/{client_id}/mapping"): "setClientMapping",
    ("delete", "/v1/clients/{client_id}/mapping"): "deleteClientMapping",
    ("get", "/v1/clients/{client_id}/terms"): "getClientTerms",
    ("put", "/v1/clients/{client_id}/terms"): "setClientTerms",
    ("post", "/v1/accounts/{account_id}/payment-methods"): "addPaymentMethod",
    ("get", "/v1/accounts/{account_id}/payment-methods"): "listPaymentMethods",
    ("post", "/v1/accounts/{account_id}/payments"): "createPayment",
    ("get", "/v1/accounts/{account_id}/payments"): "listPayments",
    ("get", "/v1/payments/{payment_id}"): "getPayment",
    ("post", "/v1/payments/{payment_id}/refund"): "refundPayment",
    ("get", "/v1/accounts/{account_id}/convenience-fee"): "quoteConvenienceFee",
    ("get", "/v1/accounts/{account_id}/ledger"): "getLedger",
    ("post", "/v1/accounts/{account_id}/plans/quote"): "quotePlan",
    ("post", "/v1/accounts/{account_id}/plans"): "createPlan",
    ("get", "/v1/accounts/{account_id}/plans"): "listPlans",
    ("post", "/v1/plans/{plan_id}/cancel"): "cancelPlan",
    ("post", "/v1/accounts/{account_id}/settlements"): "offerSettlement",
    ("get", "/v1/accounts/{account_id}/settlements"): "listSettlements",
    ("post", "/v1/settlements/{settlement_id}/approve"): "approveSettlement",
    ("post", "/v1/settlements/{settlement_id}/accept"): "acceptSettlement",
    ("post", "/v1/clients/{client_id}/remittances"): "issueRemittance",
    ("get", "/v1/clients/{client_id}/remittances"): "listRemittances",
    ("get", "/v1/remittances/{remittance_id}/statement"): "getRemittanceStatement",
    ("post", "/v1/accounts/{account_id}/promises"): "makePromise",
    ("get", "/v1/accounts/{account_id}/promises"): "listPromises",
}
PUBLIC = {"getHealth"}
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def spec() -> dict:
    with SPEC_PATH.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield method, path, op


def resolve(spec: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target = spec
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def test_version_and_server(spec):
    assert spec["openapi"] == "3.1.0"
    assert spec["servers"] == [{"url": "/"}]


def test_spec_is_valid_openapi_3_1(spec):
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator

    validate(spec, cls=OpenAPIV31SpecValidator)


def test_operations_and_ids(spec):
    found = {(method, path): op.get("operationId") for method, path, op in operations(spec)}
    assert found == EXPECTED


def test_bearer_scheme(spec):
    scheme = spec["components"]["securitySchemes"]["bearer"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"


def test_every_operation_but_health_requires_bearer(spec):
    global_security = spec.get("security")
    for method, path, op in operations(spec):
        security = op.get("security", global_security)
        if op["operationId"] in PUBLIC:
            assert security == [], f"{op['operationId']} must not require auth"
            continue
        # Every alternative must include the bearer scheme, and there must be no anonymous alternative ({}).
        assert security, f"{method.upper()} {path} has no security requirement"
        for requirement in security:
            assert "bearer" in requirement, f"{method.upper()} {path} allows {requirement}"


def test_every_operation_declares_problem_default(spec):
    for method, path, op in operations(spec):
        default = resolve(spec, op["responses"].get("default", {}))
        assert "application/problem+json" in default.get("content", {}), f"{method.upper()} {path}"
        for status, response in op["responses"].items():
            if str(status).startswith(("4", "5")):
                assert "application/problem+json" in resolve(spec, response).get("content", {}), (
                    f"{method.upper()} {path} {status}")


def test_placement_responses(spec):
    op = spec["paths"]["/v1/placements"]["post"]
    assert "text/csv" in op["requestBody"]["content"]
    params = {p["name"]: p for p in (resolve(spec, p) for p in op["parameters"])}
    assert params["client_id"]["required"] is True
    assert {"201", "400", "413", "422"} <= set(map(str, op["responses"]))
    errors = spec["paths"]["/v1/placements/{placement_id}/errors"]["get"]
    assert "text/csv" in errors["responses"]["200"]["content"]


def test_request_bodies_reject_unknown_fields(spec):
    for method, path, op in operations(spec):
        body = op.get("requestBody")
        if not body:
            continue
        for media, content in resolve(spec, body)["content"].items():
            schema = resolve(spec, content["schema"])
            if schema.get("type") == "object" and "x-recoup-strict-reader" not in schema:
                # A free-form body is allowed only where the server's own strict reader refuses unknown keys.
                assert schema.get("additionalProperties") is False, f"{method.upper()} {path} {media}"


def test_schemas_and_properties_are_described(spec):
    missing = []
    for name, schema in spec["components"]["schemas"].items():
        if "description" not in schema:
            missing.append(name)
        for prop, sub in schema.get("properties", {}).items():
            if "description" not in sub:
                missing.append(f"{name}.{prop}")
    assert not missing, missing


def test_problem_allows_extension_members(spec):
    problem = spec["components"]["schemas"]["Problem"]
    assert problem.get("additionalProperties", True) is not False
    assert set(problem["required"]) == {"type", "title", "status", "detail"}


def test_money(spec):
    money = spec["components"]["schemas"]["Money"]
    assert money["properties"]["amount_minor"] == {**money["properties"]["amount_minor"], "type": "integer", "format": "int64"}
    assert money["properties"]["currency"]["pattern"] == "^[A-Z]{3}$"


def test_no_mapping_value_is_lost_to_an_unquoted_comma(spec):
    """`{description: Why, in words}` in a YAML flow mapping is two entries, the second a key with no value."""
    lost = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if value is None:
                    lost.append(f"{path}/{key}")
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    walk(spec, "")
    assert not lost, lost


def test_a_property_that_may_be_null_is_not_required(spec):
    """Such a property is omitted from responses when it has no value (the Conventions), so it cannot be required."""
    contradictions = []

    def check(name, schema):
        for prop in schema.get("required", []):
            kind = schema.get("properties", {}).get(prop, {}).get("type")
            if isinstance(kind, list) and "null" in kind:
                contradictions.append(f"{name}.{prop}")
        for part in schema.get("allOf", []):
            check(name, part)

    for name, schema in spec["components"]["schemas"].items():
        check(name, schema)
    assert not contradictions, contradictions
