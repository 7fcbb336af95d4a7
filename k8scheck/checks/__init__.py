"""The one registry binding each catalogue slug to its check.

A check is a pure generator: ``check(ctx, rule)`` yields ``Diagnostic``s (already
located) or ``Hit``s (a problem at a field path of one manifest). The engine
turns them into findings; checks never compute positions.
"""

from __future__ import annotations

from . import apis, basic, images, rollout, schema, source

def produced_by_pipeline(ctx, rule):
    """This rule's findings come from a pipeline stage (see STAGE_RULES), not a check."""
    return ()


# Rules whose findings a later pipeline stage produces: the suppression stage
# reports ignores that suppressed nothing.
STAGE_RULES = frozenset({"unused-suppression"})

REGISTRY = {
    "yaml-syntax": source.yaml_syntax,
    "duplicate-key": source.duplicate_key,
    "document-not-object": source.document_not_object,
    "missing-required-field": basic.missing_required_field,
    "duplicate-object": basic.duplicate_object,
    "selector-template-mismatch": basic.selector_template_mismatch,
    "container-port-conflict": basic.container_port_conflict,
    "implicit-type": basic.implicit_type,
    "unused-suppression": produced_by_pipeline,
    "schema-unknown-field": schema.schema_check,
    "schema-type": schema.schema_check,
    "schema-required": schema.schema_check,
    "schema-enum": schema.schema_check,
    "schema-invalid-value": schema.schema_check,
    "unknown-kind": schema.schema_check,
    "rollout-outage": rollout.rollout_outage,
    "rollout-stuck": rollout.rollout_stuck,
    "recreate-downtime": rollout.recreate_downtime,
    "api-removed": apis.api_lifecycle,
    "api-deprecated": apis.api_lifecycle,
    "invalid-name": apis.semantic,
    "invalid-label": apis.semantic,
    "invalid-annotation": apis.semantic,
    "invalid-port": apis.semantic,
    "invalid-port-name": apis.semantic,
    "rolling-update-invalid": apis.semantic,
    "invalid-quantity": apis.semantic,
    "requests-exceed-limits": apis.semantic,
    "image-reference-invalid": images.static,
    "image-tag-missing": images.static,
    "image-tag-latest": images.static,
    "image-not-found": images.registry,
    "image-check-failed": images.registry,
}
