"""The one registry binding each catalogue slug to its check.

A check is a pure generator: ``check(ctx, rule)`` yields ``Diagnostic``s (already
located) or ``Hit``s (a problem at a field path of one manifest). The engine
turns them into findings; checks never compute positions.
"""

from __future__ import annotations

from . import basic, refs, source

REGISTRY = {
    "yaml-syntax": source.yaml_syntax,
    "duplicate-key": source.duplicate_key,
    "document-not-object": source.document_not_object,
    "missing-required-field": basic.missing_required_field,
    "duplicate-object": basic.duplicate_object,
    "selector-template-mismatch": basic.selector_template_mismatch,
    "container-port-conflict": basic.container_port_conflict,
    "implicit-type": basic.implicit_type,
    "service-no-endpoints": refs.service_no_endpoints,
    "service-port-mismatch": refs.service_port_mismatch,
    "service-port-undeclared": refs.service_port_undeclared,
    "configmap-missing": refs.configmap_missing,
    "configmap-key-missing": refs.configmap_key_missing,
    "secret-missing": refs.secret_missing,
    "secret-key-missing": refs.secret_key_missing,
    "ingress-backend-missing": refs.ingress_backend_missing,
    "ingress-backend-port": refs.ingress_backend_port,
    "ingress-tls-secret-missing": refs.ingress_tls_secret_missing,
    "serviceaccount-missing": refs.serviceaccount_missing,
    "pvc-missing": refs.pvc_missing,
    "hpa-target-missing": refs.hpa_target_missing,
    "hpa-replicas-conflict": refs.hpa_replicas_conflict,
    "pdb-no-match": refs.pdb_no_match,
    "pdb-blocks-eviction": refs.pdb_blocks_eviction,
    "networkpolicy-no-match": refs.networkpolicy_no_match,
    "rolebinding-role-missing": refs.rolebinding_role_missing,
    "statefulset-service-missing": refs.statefulset_service_missing,
    "selector-overlap": refs.selector_overlap,
    "probe-port-missing": refs.probe_port_missing,
    "volume-mount-missing": refs.volume_mount_missing,
}
