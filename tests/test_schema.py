"""SchemaValidator: versions, messages, int-or-string, enums, CRDs, robustness."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import custom_resource_definition

from k8scheck.problem import Problem
from k8scheck.schema import SchemaValidator, UnknownKubeVersion, bundled_versions, newest_version
from k8scheck.schema.messages import did_you_mean, edit_distance

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "imagePullPolicy": "IfNotPresent"}]},
        },
    },
}
SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web"},
    "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]},
}


@pytest.fixture(scope="module")
def validator():
    return SchemaValidator(newest_version())


def edited(obj, path, value):
    out = copy.deepcopy(obj)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return out


def test_bundled_versions_cover_125_to_newest():
    versions = bundled_versions()
    assert versions[0] == "1.25"
    assert versions[-1] == newest_version()
    minors = [int(v.split(".")[1]) for v in versions]
    assert minors == list(range(25, minors[-1] + 1))


@pytest.mark.parametrize("spelling", ["1.30", "v1.30", "1.30.4", "v1.30.0"])
def test_version_spellings_are_accepted(spelling):
    assert SchemaValidator(spelling).kube_version == "1.30"


@pytest.mark.parametrize("bad", ["1.19", "2.0", "latest", ""])
def test_unknown_version_lists_bundled_versions(bad):
    with pytest.raises(UnknownKubeVersion) as caught:
        SchemaValidator(bad)
    assert "1.25" in str(caught.value) and newest_version() in str(caught.value)


def test_valid_objects_have_no_problems(validator):
    assert validator.validate(DEPLOYMENT) == []
    assert validator.validate(SERVICE) == []


def test_quoted_replicas_is_a_type_error(validator):
    problems = validator.validate(edited(DEPLOYMENT, ("spec", "replicas"), "3"))
    assert problems == [
        Problem("schema-type", ("spec", "replicas"), 'spec.replicas must be an integer, got string "3"')
    ]


def test_integral_float_counts_as_integer(validator):
    assert validator.validate(edited(DEPLOYMENT, ("spec", "replicas"), 3.0)) == []
    assert [p.rule for p in validator.validate(edited(DEPLOYMENT, ("spec", "replicas"), 3.5))] == ["schema-type"]


def test_boolean_is_not_an_integer(validator):
    problems = validator.validate(edited(DEPLOYMENT, ("spec", "replicas"), True))
    assert [(p.rule, p.path) for p in problems] == [("schema-type", ("spec", "replicas"))]


def test_containers_typo_suggests_containers(validator):
    spec = {"contianers": [{"name": "web", "image": "nginx"}]}
    problems = validator.validate(edited(DEPLOYMENT, ("spec", "template", "spec"), spec))
    unknown = [p for p in problems if p.rule == "schema-unknown-field"]
    assert unknown == [
        Problem(
            "schema-unknown-field",
            ("spec", "template", "spec", "contianers"),
            "spec.template.spec.contianers is not a field of PodSpec (did you mean containers?)",
            at="key",
            fix="containers",  # replacement text for the key span
        )
    ]
    required = [p for p in problems if p.rule == "schema-required"]
    assert [(p.path, p.at) for p in required] == [(("spec", "template", "spec"), "key")]
    assert "containers" in required[0].message


def test_unknown_field_without_close_match_has_no_suggestion(validator):
    problems = validator.validate(edited(SERVICE, ("spec", "zzzzzzzz"), 1))
    assert len(problems) == 1
    assert problems[0].message == "spec.zzzzzzzz is not a field of ServiceSpec"
    assert problems[0].fix is None


@pytest.mark.parametrize("target_port", ["http", 8080])
def test_target_port_is_int_or_string(validator, target_port):
    assert validator.validate(edited(SERVICE, ("spec", "ports", 0, "targetPort"), target_port)) == []


def test_target_port_list_names_both_types(validator):
    problems = validator.validate(edited(SERVICE, ("spec", "ports", 0, "targetPort"), [8080]))
    assert [(p.rule, p.path, p.at) for p in problems] == [("schema-type", ("spec", "ports", 0, "targetPort"), "key")]
    assert "integer" in problems[0].message and "string" in problems[0].message


def test_image_pull_policy_sometimes_lists_allowed_values(validator):
    bad = edited(DEPLOYMENT, ("spec", "template", "spec", "containers", 0, "imagePullPolicy"), "Sometimes")
    problems = validator.validate(bad)
    assert [(p.rule, p.path) for p in problems] == [
        ("schema-enum", ("spec", "template", "spec", "containers", 0, "imagePullPolicy"))
    ]
    assert all(v in problems[0].message for v in ("Always", "IfNotPresent", "Never", '"Sometimes"'))


def test_service_type_nodeports(validator):
    problems = validator.validate(edited(SERVICE, ("spec", "type"), "NodePorts"))
    assert [(p.rule, p.path) for p in problems] == [("schema-enum", ("spec", "type"))]
    assert "NodePort," in problems[0].message


def test_missing_service_port(validator):
    problems = validator.validate(edited(SERVICE, ("spec", "ports"), [{"targetPort": 8080}]))
    assert problems == [
        Problem(
            "schema-required",
            ("spec", "ports", 0),
            "spec.ports[0] (ServicePort) is missing required field port",
            at="key",
        )
    ]


def test_every_error_is_its_own_problem(validator):
    bad = copy.deepcopy(DEPLOYMENT)
    bad["spec"]["replicas"] = "3"
    bad["spec"]["paused"] = "no"
    bad["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "Sometimes"
    bad["spec"]["template"]["spec"]["containers"][0]["imagee"] = "x"
    rules = sorted((p.rule, p.path[-1]) for p in validator.validate(bad))
    assert rules == [
        ("schema-enum", "imagePullPolicy"),
        ("schema-type", "paused"),
        ("schema-type", "replicas"),
        ("schema-unknown-field", "imagee"),
    ]


def test_missing_api_version_and_kind(validator):
    problems = validator.validate({"metadata": {"name": "x"}})
    assert [(p.rule, p.path) for p in problems] == [("schema-required", ()), ("schema-required", ())]


def test_unknown_kind_is_reported_once_as_info_rule(validator):
    problems = validator.validate({"apiVersion": "example.com/v1", "kind": "Gadget", "spec": {"x": 1}})
    assert [(p.rule, p.path) for p in problems] == [("unknown-kind", ("kind",))]
    assert validator.has_schema("example.com/v1", "Gadget") is False
    assert validator.has_schema(["not", "hashable"], None) is False


def test_kind_in_wrong_group_names_the_right_one(validator):
    problems = validator.validate({"apiVersion": "v1", "kind": "Deployment"})
    assert problems[0].rule == "unknown-kind" and "apps/v1" in problems[0].message


def test_hpa_v2beta2_exists_in_125_only():
    hpa = {
        "apiVersion": "autoscaling/v2beta2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 1,
            "maxReplicas": 5,
        },
    }
    old, new = SchemaValidator("1.25"), SchemaValidator("1.26")
    assert old.has_schema("autoscaling/v2beta2", "HorizontalPodAutoscaler") is True
    assert new.has_schema("autoscaling/v2beta2", "HorizontalPodAutoscaler") is False
    assert old.validate(hpa) == []
    assert new.validate(hpa) == []  # removed API: the api-removed stage reports it
    typo = edited(hpa, ("spec", "maxReplica"), 5)
    assert [p.rule for p in old.validate(typo)] == ["schema-unknown-field"]


def test_api_removed_before_125_is_left_to_api_removed(validator):
    ingress = {"apiVersion": "extensions/v1beta1", "kind": "Ingress", "spec": {"backend": {}}}
    assert validator.validate(ingress) == []
    assert validator.has_schema("extensions/v1beta1", "Ingress") is False


# -- CRDs ----------------------------------------------------------------------

CRD = custom_resource_definition(
    "Backup",
    "backups",
    {
        "type": "object",
        "required": ["schedule"],
        "properties": {
            "schedule": {"type": "string"},
            "mode": {"type": "string", "enum": ["Full", "Incremental"]},
            "port": {"x-kubernetes-int-or-string": True},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            "template": {
                "type": "object",
                "x-kubernetes-embedded-resource": True,
                "x-kubernetes-preserve-unknown-fields": True,
            },
            "retain": {
                "type": "integer",
                "minimum": 1,
                "exclusiveMaximum": True,
                "maximum": 31,
            },
        },
    },
    more_versions=[
        {"name": "v0", "served": False, "storage": False, "schema": {"openAPIV3Schema": {"type": "object"}}}
    ],
)
BACKUP = {
    "apiVersion": "example.com/v1",
    "kind": "Backup",
    "metadata": {"name": "nightly", "labels": {"team": "ops"}},
    "spec": {
        "schedule": "0 3 * * *",
        "mode": "Full",
        "port": "http",
        "labels": {"a": "b"},
        "extra": {"anything": [1, {"x": None}]},
        "template": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {}},
        "retain": 30,
    },
}


@pytest.fixture(scope="module")
def crd_validator():
    return SchemaValidator("1.30", crds=[CRD])


def test_custom_resource_valid(crd_validator):
    assert crd_validator.has_schema("example.com/v1", "Backup")
    assert not crd_validator.has_schema("example.com/v0", "Backup")  # not served
    assert crd_validator.validate(BACKUP) == []
    assert crd_validator.validate(edited(BACKUP, ("spec", "port"), 8080)) == []
    assert crd_validator.validate(edited(BACKUP, ("spec", "mode"), None)) == []


@pytest.mark.parametrize(
    "path, value, rule",
    [
        (("spec", "shedule"), "x", "schema-unknown-field"),
        (("spec", "mode"), "Partial", "schema-enum"),
        (("spec", "port"), 1.5, "schema-type"),
        (("spec", "labels", "a"), 1, "schema-type"),
        (("spec", "retain"), 31, "schema-invalid-value"),
        (("spec", "retain"), 0, "schema-invalid-value"),
        (("metadata", "lables"), {}, "schema-unknown-field"),
        (("status",), {}, "schema-unknown-field"),
    ],
)
def test_custom_resource_invalid(crd_validator, path, value, rule):
    problems = crd_validator.validate(edited(BACKUP, path, value))
    assert [(p.rule, p.path) for p in problems] == [(rule, path)]


def test_custom_resource_unknown_field_suggests(crd_validator):
    problems = crd_validator.validate(edited(BACKUP, ("spec", "shedule"), "x"))
    assert "did you mean schedule?" in problems[0].message


def test_custom_resource_missing_required(crd_validator):
    bad = copy.deepcopy(BACKUP)
    del bad["spec"]["schedule"]
    assert [(p.rule, p.path) for p in crd_validator.validate(bad)] == [("schema-required", ("spec",))]


_CRD_HEAD = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition"}


@pytest.mark.parametrize(
    "crd",
    [
        None,
        [],
        dict(_CRD_HEAD, spec=None),
        dict(_CRD_HEAD, spec={"group": "g", "names": {"kind": 3}}),
        dict(_CRD_HEAD, spec={"group": "g", "names": {"kind": "K"}, "versions": [None, {"name": "v1"}, {"name": 2}]}),
        dict(
            _CRD_HEAD,
            spec={
                "group": "g",
                "names": {"kind": "K"},
                "versions": [
                    {
                        "name": "v1",
                        "schema": {
                            "openAPIV3Schema": {
                                "type": "object",
                                "properties": [],
                                "items": 3,
                                "required": "x",
                                "minimum": "a",
                                "pattern": "(",
                            }
                        },
                    }
                ],
            },
        ),
    ],
)
def test_malformed_crds_never_raise(crd):
    validator = SchemaValidator("1.30", crds=[crd])
    for spec in (1, {}, {"a": [1]}, None):
        problems = validator.validate({"apiVersion": "g/v1", "kind": "K", "spec": spec})
        assert all(isinstance(p, Problem) for p in problems)


def test_only_custom_resource_definitions_supply_schemas():
    not_a_crd = dict(CRD, kind="ConfigMap")
    validator = SchemaValidator("1.30", crds=[not_a_crd])
    assert not validator.has_schema("example.com/v1", "Backup")


# -- schema directories -----------------------------------------------------------


def test_schema_dirs_kubeconform_and_catalog_layouts(tmp_path):
    schema = {
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": {"type": "object", "additionalProperties": False, "properties": {"size": {"type": "integer"}}},
        },
        "additionalProperties": False,
    }
    (tmp_path / "widget-example-v1.json").write_text(json.dumps(schema))
    (tmp_path / "acme.io").mkdir()
    (tmp_path / "acme.io" / "gizmo_v2.json").write_text(json.dumps(schema))
    (tmp_path / "thing-v1.json").write_text(json.dumps(schema))
    validator = SchemaValidator("1.30", schema_dirs=[tmp_path])
    for api_version, kind in (("example.com/v1", "Widget"), ("acme.io/v2", "Gizmo"), ("v1", "Thing")):
        assert validator.has_schema(api_version, kind), (api_version, kind)
        obj = {"apiVersion": api_version, "kind": kind, "spec": {"size": 2}}
        assert validator.validate(obj) == []
        obj["spec"]["sise"] = 2
        assert [p.rule for p in validator.validate(obj)] == ["schema-unknown-field"]
    assert not validator.has_schema("acme.io/v1", "Gizmo")


# -- robustness -------------------------------------------------------------------


@pytest.mark.parametrize(
    "obj",
    [
        None,
        [],
        "text",
        3,
        {"apiVersion": 1, "kind": None},
        {"apiVersion": "apps/v1", "kind": "Deployment", "spec": []},
        {"apiVersion": "apps/v1", "kind": "Deployment", "spec": None},
        {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": 10**40, "template": [None]}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": {"spec": {"containers": {"a": 1}}}}},
        {"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": None, 1: 2}},
        {"apiVersion": "v1", "kind": "Service", "spec": {"ports": [None, 1, "x", [], {"port": float("nan")}]}},
    ],
)
def test_malformed_objects_never_raise(validator, obj):
    problems = validator.validate(obj)
    assert isinstance(problems, list)
    assert all(isinstance(p, Problem) for p in problems)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(spec=json_values)
def test_fast_path_agrees_with_jsonschema(validator, spec):
    """The fast accept path never accepts what jsonschema rejects (and vice versa)."""
    obj = dict(DEPLOYMENT, spec=spec)
    fast, schema = validator._entry("apps/v1", "Deployment")
    slow = validator._slow_validator(("apps/v1", "Deployment"), schema)
    assert fast(obj) == (not list(slow.iter_errors(obj)))


def test_did_you_mean():
    assert edit_distance("contianers", "containers") == 1
    assert did_you_mean("contianers", ["containers", "initContainers"]) == "containers"
    assert did_you_mean("ImagePullPolicy", ["imagePullPolicy"]) == "imagePullPolicy"
    assert did_you_mean("xyz", ["containers"]) is None


def test_int32_range_is_enforced(validator):
    problems = validator.validate(edited(DEPLOYMENT, ("spec", "replicas"), 2**31))
    assert [(p.rule, p.path) for p in problems] == [("schema-type", ("spec", "replicas"))]
    assert "int32" in problems[0].message
    assert validator.validate(edited(DEPLOYMENT, ("spec", "replicas"), 2**31 - 1)) == []
    assert validator.validate(edited(DEPLOYMENT, ("spec", "replicas"), -(2**31))) == []


def test_int64_range_is_enforced(validator):
    bad = edited(DEPLOYMENT, ("metadata", "generation"), 2**63)
    assert [(p.rule, p.path) for p in validator.validate(bad)] == [("schema-type", ("metadata", "generation"))]
    assert validator.validate(edited(DEPLOYMENT, ("metadata", "generation"), 2**63 - 1)) == []


def test_kind_list_items_are_validated_in_place(validator):
    listing = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [SERVICE, edited(DEPLOYMENT, ("spec", "replicas"), "3"), {"apiVersion": "x.io/v1", "kind": "Y"}],
    }
    problems = validator.validate(listing)
    assert [(p.rule, p.path) for p in problems] == [
        ("schema-type", ("items", 1, "spec", "replicas")),
        ("unknown-kind", ("items", 2, "kind")),
    ]
    assert problems[0].message.startswith("items[1]: spec.replicas must be an integer")
    assert validator.validate({"apiVersion": "v1", "kind": "List", "items": {}})[0].rule == "schema-type"


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


_SAMPLES = [DEPLOYMENT, SERVICE, BACKUP]
_MUTATION_POINTS = [
    (i, p) for i, sample in enumerate(_SAMPLES) for p in _paths(sample) if p and p[0] not in ("apiVersion", "kind")
]


@settings(max_examples=300, deadline=None)
@given(point=st.sampled_from(_MUTATION_POINTS), value=json_values)
def test_fast_path_agrees_with_jsonschema_on_mutated_objects(crd_validator, point, value):
    """Replace one value of a valid object: the fast path and jsonschema give the
    same verdict, and an invalid verdict always comes with at least one Problem."""
    index, path = point
    obj = edited(_SAMPLES[index], path, value)
    fast, schema = crd_validator._entry(obj["apiVersion"], obj["kind"])
    slow = crd_validator._slow_validator((obj["apiVersion"], obj["kind"]), schema)
    slow_valid = not list(slow.iter_errors(obj))
    assert fast(obj) == slow_valid
    assert bool(crd_validator.validate(obj)) == (not slow_valid)


def test_api_status_distinguishes_removed_from_not_yet_added():
    old, new = SchemaValidator("1.25"), SchemaValidator(newest_version())
    assert new.api_status("autoscaling/v2beta2", "HorizontalPodAutoscaler") == "removed"
    assert new.api_status("extensions/v1beta1", "Ingress") == "removed"
    assert new.api_status("apps/v1", "Deployment") == "served"
    assert new.api_status("example.com/v1", "Backup") == "unknown"
    assert old.api_status("flowcontrol.apiserver.k8s.io/v1", "FlowSchema") == "not-yet-added"  # GA in 1.29
    problems = old.validate({"apiVersion": "flowcontrol.apiserver.k8s.io/v1", "kind": "FlowSchema"})
    assert [p.rule for p in problems] == ["unknown-kind"]
    assert "first served in 1.29" in problems[0].message


def test_schema_dirs_ignore_path_like_kinds(tmp_path):
    (tmp_path / "inner").mkdir()
    (tmp_path / "secret-v1.json").write_text(json.dumps({"type": "object"}))
    validator = SchemaValidator("1.30", schema_dirs=[tmp_path / "inner"])
    assert not validator.has_schema("v1", "../secret")
    assert [p.rule for p in validator.validate({"apiVersion": "v1", "kind": "../secret"})] == ["unknown-kind"]


def _served_crd(kind: str, schema: dict) -> dict:
    """A CRD of group g.io serving ``kind`` at v1 with ``schema`` as its openAPIV3Schema."""
    version = {"name": "v1", "served": True, "schema": {"openAPIV3Schema": schema}}
    return {**_CRD_HEAD, "spec": {"group": "g.io", "names": {"kind": kind}, "versions": [version]}}


ONE_OF_CRD = _served_crd(
    "Source",
    {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "properties": {
                    "git": {"type": "object", "properties": {"depth": {"type": "integer"}}},
                    "url": {"type": "string", "minLength": 3},
                    "tags": {"type": "array", "maxItems": 1, "items": {"type": "string"}},
                },
                "oneOf": [{"required": ["git"]}, {"required": ["url"]}],
            }
        },
    },
)


def test_a_one_of_told_apart_by_formats_accepts_a_value_of_either_format():
    # Antrea's IPPool: start and end are oneOf [{format: ipv4}, {format: ipv6}]. Formats are not checked,
    # so as a oneOf every address "matched more than one of its allowed forms".
    crd = _served_crd(
        "Pool",
        {
            "type": "object",
            "properties": {
                "start": {"type": "string", "oneOf": [{"format": "ipv4"}, {"format": "ipv6"}]},
                "mode": {"oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
            },
        },
    )
    validator = SchemaValidator("1.30", crds=[crd])
    assert validator.validate({"apiVersion": "g.io/v1", "kind": "Pool", "start": "10.0.0.1"}) == []
    assert [p.message for p in validator.validate({"apiVersion": "g.io/v1", "kind": "Pool", "start": 3})]
    # A oneOf its branches' own keywords tell apart is still exactly one.
    both = {"apiVersion": "g.io/v1", "kind": "Pool", "mode": {"a": 1, "b": 2}}
    assert [p.rule for p in validator.validate(both)] == ["schema-invalid-value"]


@pytest.mark.parametrize(
    "spec, expected",
    [
        ({}, [("schema-required", ("spec",), "spec must set exactly one of git, url")]),
        ({"git": {}, "url": "abc"}, [("schema-invalid-value", ("spec",), "spec may set only one of git, url")]),
        (
            {"git": {"depth": "1"}},
            [("schema-type", ("spec", "git", "depth"), 'spec.git.depth must be an integer, got string "1"')],
        ),
        (
            {"url": "ab"},
            [("schema-invalid-value", ("spec", "url"), "spec.url must be at least 3 characters long, got 2")],
        ),
        (
            {"url": "abc", "tags": ["a", "b"]},
            [("schema-invalid-value", ("spec", "tags"), "spec.tags must have at most 1 items, got 2")],
        ),
    ],
)
def test_one_of_and_constraint_messages(spec, expected):
    validator = SchemaValidator("1.30", crds=[ONE_OF_CRD])
    problems = validator.validate({"apiVersion": "g.io/v1", "kind": "Source", "spec": spec})
    assert [(p.rule, p.path, p.message) for p in problems] == expected


def test_empty_enum_value_is_left_to_defaulting(validator):
    # Defaulting turns imagePullPolicy "" into IfNotPresent/Always before validation.
    assert (
        validator.validate(edited(DEPLOYMENT, ("spec", "template", "spec", "containers", 0, "imagePullPolicy"), ""))
        == []
    )
    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "a"},
        "spec": {
            "rules": [
                {
                    "http": {
                        "paths": [
                            {"path": "/", "pathType": "", "backend": {"service": {"name": "a", "port": {"number": 80}}}}
                        ]
                    }
                }
            ]
        },
    }
    problems = validator.validate(ingress)
    assert [p.rule for p in problems] == ["schema-enum"]  # pathType has no default
    assert problems[0].message.endswith('must be one of Exact, Prefix, ImplementationSpecific, got string ""')


def test_the_newest_modelled_version_is_the_newest_bundled_schema_set():
    from k8scheck.versions import NEWEST_KUBE_VERSION

    assert NEWEST_KUBE_VERSION == newest_version()


def test_an_arrays_preserve_unknown_fields_keeps_its_items_open_however_deep_but_not_their_properties():
    # apiextensions-apiserver's skipPrune: an array carries it into its items (nested arrays too); the
    # properties an item declares are pruned again.
    from k8scheck.schema.crd import convert

    schema = convert(
        {
            "type": "array",
            "x-kubernetes-preserve-unknown-fields": True,
            "items": {
                "type": "array",
                "items": {"type": "object", "properties": {"output": {"type": "object", "properties": {}}}},
            },
        }
    )
    item = schema["items"]["items"]
    assert "additionalProperties" not in item
    assert item["properties"]["output"]["additionalProperties"] is False
    assert convert({"type": "array", "items": {"type": "object"}})["items"]["additionalProperties"] is False
