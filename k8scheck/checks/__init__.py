"""The one registry binding each catalogue slug to its check.

A check is a pure generator: ``check(ctx, rule)`` yields ``Diagnostic``s (already
located) or ``Hit``s (a problem at a field path of one manifest). The engine
turns them into findings; checks never compute positions.

A rule whose ``rules/<slug>.yaml`` names a ``template`` needs no entry here: the
template's function (TEMPLATES) reads what differs from the rule's ``params``. A rule
that names a ``stage`` has none either: the stage (reading, schema validation, the
API server's own checks...) finds the problems of all its rules at once, and STAGES
hands each rule the ones with its slug.
"""

from __future__ import annotations

from types import MappingProxyType

from . import apis, basic, images, refs, rollout, schema, security, selection, source, workloads


def suppress_stage(ctx, rule):
    """The suppression stage judges the other rules' findings, so it runs after every check
    (engine.lint, k8scheck.suppress) and emits its rules' findings there: as a check it yields nothing."""
    return ()


# A stage's rules (``stage:`` in rules/<slug>.yaml): each yields the stage's problems for one slug.
STAGES = MappingProxyType(
    {
        "source": source.diagnostics,
        "schema": schema.schema_check,
        "semantic": apis.semantic,
        "api-lifecycle": apis.api_lifecycle,
        "images": images.static,
        "image-registry": images.registry,
        "rollout-simulation": rollout.invalid_values,
        "suppress": suppress_stage,
    }
)


# Shared checks that rules instantiate with data (``template: {name, params}``).
TEMPLATES = MappingProxyType(
    {
        "missing-object": refs.missing_object,
    }
)


# What the checks of each module read from the Context that costs enough to compute
# once per run: the engine computes what its active rules read before it deals the
# rules out between processes (a gap here costs time, never a finding).
SHARED_READS = MappingProxyType(
    {
        schema: ("schema_problems",),
        apis: ("semantic_problems",),
        images: ("image_static_problems", "image_verdicts"),
        rollout: ("graph", "pod_store", "rollout_predictions", "rollout_whatif"),
        refs: ("graph", "pod_store", "port_problems"),
        selection: ("graph",),
        workloads: ("graph",),
    }
)


def shared_reads(rules) -> list[str]:
    """The Context analyses ``rules`` read (SHARED_READS), each once, in a fixed order."""
    modules = {check.__module__ for check in (check_of(rule) for rule in rules) if check is not None}
    wanted = [name for module, names in SHARED_READS.items() if module.__name__ in modules for name in names]
    return list(dict.fromkeys(wanted))


def check_of(rule):
    """The function that yields a rule's findings: its own check, its template's or its stage's (None: no check)."""
    if rule.slug in REGISTRY:
        return REGISTRY[rule.slug]
    if rule.template is not None:
        return TEMPLATES.get(rule.template.name)
    return STAGES.get(rule.stage)


REGISTRY = {
    "missing-required-field": basic.missing_required_field,
    "duplicate-object": basic.duplicate_object,
    "selector-template-mismatch": basic.selector_template_mismatch,
    "container-port-conflict": basic.container_port_conflict,
    "implicit-type": basic.implicit_type,
    "rollout-outage": rollout.rollout_outage,
    "rollout-stuck": rollout.rollout_stuck,
    "immutable-field-changed": rollout.immutable_field_changed,
    "recreate-downtime": rollout.recreate_downtime,
    "service-no-endpoints": refs.service_no_endpoints,
    "service-port-mismatch": refs.service_port_mismatch,
    "service-port-undeclared": refs.service_port_undeclared,
    "configmap-key-missing": refs.configmap_key_missing,
    "secret-key-missing": refs.secret_key_missing,
    "ingress-backend-port": refs.ingress_backend_port,
    "hpa-replicas-conflict": refs.hpa_replicas_conflict,
    "pdb-no-match": refs.pdb_no_match,
    "pdb-blocks-eviction": refs.pdb_blocks_eviction,
    "networkpolicy-no-match": refs.networkpolicy_no_match,
    "statefulset-service-missing": refs.statefulset_service_missing,  # the template, and a Service that is not headless
    "selector-overlap": refs.selector_overlap,
    "probe-port-missing": refs.probe_port_missing,
    "volume-mount-missing": refs.volume_mount_missing,
    "duplicate-env-var": workloads.duplicate_env_var,
    "service-account-field": workloads.service_account_field,
    "topology-spread-invalid": workloads.topology_spread_invalid,
    "volume-plugin-removed": workloads.volume_plugin_removed,
    "annotation-deprecated": workloads.annotation_deprecated,
    "pdb-budget-missing": workloads.pdb_budget_missing,
    "pdb-budget-invalid": workloads.pdb_budget_invalid,
    "hpa-duplicate-target": workloads.hpa_duplicate_target,
    "pdb-min-available-hpa": workloads.pdb_min_available_hpa,
    "ingress-path-regex": workloads.ingress_path_regex,
    "pvc-volume-name-class": workloads.pvc_volume_name_class,
    "networkpolicy-peer-no-match": selection.networkpolicy_peer_no_match,
    "servicemonitor-no-match": selection.servicemonitor_no_match,
    "servicemonitor-port-missing": selection.servicemonitor_port_missing,
    "service-pods-in-other-namespace": selection.service_pods_in_other_namespace,
    "readiness-probe-missing": selection.readiness_probe_missing,
    # the security pack: one template, facts in k8scheck/data/security.yaml
    "privileged-container": security.security_check,
    "privilege-escalation-allowed": security.security_check,
    "run-as-non-root-unset": security.security_check,
    "writable-root-filesystem": security.security_check,
    "capability-added": security.security_check,
    "net-raw-not-dropped": security.security_check,
    "secret-in-env": security.security_check,
    "resources-missing": security.security_check,
    "host-namespace-shared": security.security_check,
    "sensitive-host-mount": security.security_check,
}
