"""Semantic checks: what the API server rejects beyond the JSON schemas.

Rows carry the boundary values of Kubernetes' own validation
(apimachinery util/validation, core and apps validation, resource.Quantity).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8scheck import semantic
from k8scheck.catalogue import stage_slugs
from k8scheck.semantic import check, parse_quantity

SEMANTIC = stage_slugs("semantic")  # the slugs semantic.check may emit


def rules(obj):
    return sorted({p.rule for p in check(obj)})


def paths(obj, rule):
    return [p.path for p in check(obj) if p.rule == rule]


def deployment(**over):
    container = {"name": "app", "image": "nginx:1.27"}
    container.update(over.pop("container", {}))
    d = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}},
        },
    }
    if "strategy" in over:
        d["spec"]["strategy"] = over.pop("strategy")
    return d


def service(ports, name="web", **spec):
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app": "web"}, "ports": ports, **spec},
    }


def test_clean_objects_are_silent():
    assert check(deployment()) == []
    assert check(service([{"port": 80, "targetPort": 8080}])) == []
    assert check({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}) == []


# ---- names ---------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,name,ok",
    [
        ("ConfigMap", "a" * 253, True),
        ("ConfigMap", "a" * 254, False),
        ("ConfigMap", "my.config", True),
        ("ConfigMap", "My-Config", False),
        ("ConfigMap", "-x", False),
        ("ConfigMap", "x_y", False),
        ("Deployment", "web.v2", True),
        ("Namespace", "a" * 63, True),
        ("Namespace", "a" * 64, False),
        ("Namespace", "team.a", False),
        ("Service", "a" * 63, True),
        ("Service", "a" * 64, False),
        ("Service", "web.api", False),
        ("Service", "1web", False),  # DNS-1035: must start with a letter
        ("Service", "web-1", True),
        ("CronJob", "a" * 52, True),
        ("CronJob", "a" * 53, False),
        ("Job", "a" * 63, True),
        ("Job", "a" * 64, False),  # the name becomes the job-name label value
        ("Deployment", "a" * 64, True),
        ("Role", "system:reader", True),  # path segment names allow ':' and capitals
        ("ClusterRole", "Admin", True),
        ("ClusterRole", "a/b", False),
        ("RoleBinding", "..", False),
        ("RoleBinding", "50%", False),
    ],
)
def test_metadata_name_syntax_per_kind(kind, name, ok):
    obj = {"apiVersion": "v1", "kind": kind, "metadata": {"name": name}}
    found = paths(obj, "invalid-name")
    assert (found == []) is ok, check(obj)
    if not ok:
        assert found == [("metadata", "name")]


@pytest.mark.parametrize(
    "name,ok",
    [
        ("web", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("Web", False),
        ("web_app", False),
        ("web.app", False),
        ("1st", True),
    ],
)
def test_container_names_are_dns1123_labels(name, ok):
    d = deployment(container={"name": name})
    found = paths(d, "invalid-name")
    assert (found == []) is ok
    if not ok:
        assert found == [("spec", "template", "spec", "containers", 0, "name")]


def test_container_names_unique_across_init_and_app_containers():
    pod = {
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"initContainers": [{"name": "app"}], "containers": [{"name": "app"}, {"name": "side"}]},
    }
    (p,) = check(pod)
    assert p.rule == "invalid-name" and p.path == ("spec", "initContainers", 0, "name")
    assert "Duplicate value" in p.message and "spec.containers[0]" in p.message


def test_job_with_manual_selector_may_have_a_long_name():
    job = {"kind": "Job", "metadata": {"name": "a" * 100}, "spec": {"manualSelector": True}}
    assert check(job) == []


def test_name_messages_carry_the_api_server_wording():
    (p,) = check({"kind": "ConfigMap", "metadata": {"name": "My_Config"}})
    assert p.message.startswith(
        'metadata.name: Invalid value: "My_Config": a lowercase RFC 1123 subdomain must '
        "consist of lower case alphanumeric characters, '-' or '.', and must start and end "
        "with an alphanumeric character"
    )
    assert p.fix == "my-config"  # replacement text for the name's span
    (p,) = check({"kind": "Service", "metadata": {"name": "a" * 64}})
    assert "must be no more than 63 characters" in p.message and "DNS-1035" not in p.message
    (p,) = check({"kind": "Pod", "metadata": {"name": "web", "namespace": "Team_A"}})
    assert p.path == ("metadata", "namespace") and "RFC 1123 label" in p.message


# ---- labels, selectors, annotations -------------------------------------


@pytest.mark.parametrize(
    "key,ok",
    [
        ("app", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("example.com/" + "a" * 63, True),
        ("a" * 253 + "/x", True),
        ("a" * 254 + "/x", False),
        ("Example.com/x", False),  # the prefix is a lowercase DNS subdomain
        ("app.kubernetes.io/name", True),
        ("/x", False),
        ("x/", False),
        ("a/b/c", False),
        ("my key", False),
        ("-app", False),
        ("App_Name.v1", True),
    ],
)
def test_label_keys(key, ok):
    obj = deployment()
    obj["metadata"]["labels"] = {key: "v"}
    found = [p for p in check(obj) if p.rule == "invalid-label"]
    assert (found == []) is ok, found
    if not ok:
        assert found[0].path == ("metadata", "labels", key) and found[0].at == "key"


@pytest.mark.parametrize(
    "value,ok",
    [
        ("", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("v1.2_3-x", True),
        ("-v", False),
        ("v-", False),
        ("with space", False),
        ("a/b", False),
    ],
)
def test_label_values_in_every_place(value, ok):
    for where in [
        ("metadata", "labels"),
        ("spec", "template", "metadata", "labels"),
        ("spec", "selector", "matchLabels"),
    ]:
        obj = deployment()
        target = obj
        for part in where:
            target = target[part]
        target["app"] = value
        found = [p for p in check(obj) if p.rule == "invalid-label"]
        assert (found == []) is ok, (where, found)
        if not ok:
            assert found[0].path == where + ("app",) and found[0].at == "value"


def test_selectors_of_services_rcs_and_expressions():
    svc = service([{"port": 80}])
    svc["spec"]["selector"] = {"app": "hello server"}
    assert paths(svc, "invalid-label") == [("spec", "selector", "app")]
    rc = {
        "kind": "ReplicationController",
        "metadata": {"name": "rc"},
        "spec": {"selector": {"bad key": "x"}, "template": {"metadata": {"labels": {"bad key": "x"}}}},
    }
    assert paths(rc, "invalid-label") == [
        ("spec", "template", "metadata", "labels", "bad key"),
        ("spec", "selector", "bad key"),
    ]
    d = deployment()
    d["spec"]["selector"] = {"matchExpressions": [{"key": "tier!", "operator": "In", "values": ["ok", "no way"]}]}
    assert paths(d, "invalid-label") == [
        ("spec", "selector", "matchExpressions", 0, "key"),
        ("spec", "selector", "matchExpressions", 0, "values", 1),
    ]


def test_annotation_keys_and_total_size():
    d = deployment()
    d["metadata"]["annotations"] = {
        "nginx.ingress.kubernetes.io/server-snippet": "x" * 1000,
        "bad key": "v",
        "Kubernetes.IO/Change-Cause": "ok: keys are checked lower-cased",
    }
    (p,) = check(d)
    assert p.rule == "invalid-annotation" and p.path == ("metadata", "annotations", "bad key") and p.at == "key"
    limit = semantic.TOTAL_ANNOTATION_SIZE
    assert limit == 262144
    d["metadata"]["annotations"] = {"k": "x" * (limit - 1)}  # 1 + (limit - 1) bytes: at the limit
    assert check(d) == []
    d["metadata"]["annotations"] = {"k": "x" * limit}  # one byte over
    (p,) = check(d)
    assert p.rule == "invalid-annotation" and p.path == ("metadata", "annotations")
    assert "262144 bytes" in p.message
    d["metadata"]["annotations"] = {"k": "é" * (limit // 2)}  # bytes, not characters
    assert rules(d) == ["invalid-annotation"]


# ---- ports -----------------------------------------------------------------


@pytest.mark.parametrize("port,ok", [(0, False), (1, True), (65535, True), (65536, False), (-1, False)])
def test_container_and_service_port_ranges(port, ok):
    d = deployment(container={"ports": [{"containerPort": port}]})
    assert (paths(d, "invalid-port") == []) is ok
    d = deployment(container={"ports": [{"containerPort": 80, "hostPort": port}]})
    assert (paths(d, "invalid-port") == []) is (ok or port == 0)  # hostPort 0 means none
    s = service([{"port": port}])
    assert (paths(s, "invalid-port") == []) is ok
    s = service([{"port": 80, "targetPort": port}])
    assert (paths(s, "invalid-port") == []) is (ok or port == 0)  # targetPort 0 defaults to port


def test_port_message_and_path():
    d = deployment(container={"ports": [{"containerPort": 65536}]})
    (p,) = check(d)
    assert p.path == ("spec", "template", "spec", "containers", 0, "ports", 0, "containerPort")
    assert p.message == (
        "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 65536: "
        "must be between 1 and 65535, inclusive"
    )


@pytest.mark.parametrize("node_port,ok", [(29999, False), (30000, True), (32767, True), (32768, False), (0, True)])
def test_node_port_default_range(node_port, ok):
    s = service([{"port": 80, "nodePort": node_port}], type="NodePort")
    found = paths(s, "invalid-port")
    assert (found == []) is ok
    if not ok:
        assert found == [("spec", "ports", 0, "nodePort")]
        assert "30000-32767" in check(s)[0].message


def test_duplicate_node_ports():
    s = service(
        [{"name": "a", "port": 80, "nodePort": 30080}, {"name": "b", "port": 81, "nodePort": 30080}], type="NodePort"
    )
    assert paths(s, "invalid-port") == [("spec", "ports", 1, "nodePort")]
    s = service(
        [{"name": "a", "port": 53, "nodePort": 30053}, {"name": "b", "port": 53, "nodePort": 30053, "protocol": "UDP"}],
        type="NodePort",
    )
    assert check(s) == []


def test_container_port_zero_is_required_value():
    (p,) = check(deployment(container={"ports": [{"containerPort": 0}]}))
    assert p.rule == "invalid-port" and "Required value" in p.message


def test_duplicate_service_ports():
    s = service([{"name": "a", "port": 80}, {"name": "b", "port": 80}])
    assert paths(s, "invalid-port") == [("spec", "ports", 1, "port")]
    s = service([{"name": "a", "port": 53}, {"name": "b", "port": 53, "protocol": "UDP"}])
    assert check(s) == []


@pytest.mark.parametrize(
    "name,ok",
    [
        ("http", True),
        ("a" * 15, True),
        ("a" * 16, False),
        ("web-metrics-123", True),
        ("8080", False),
        ("HTTP", False),
        ("my_port", False),
        ("a--b", False),
        ("-http", False),
        ("http-", False),
    ],
)
def test_container_port_names_and_named_target_ports_are_iana_names(name, ok):
    d = deployment(container={"ports": [{"containerPort": 80, "name": name}]})
    assert (paths(d, "invalid-port-name") == []) is ok
    s = service([{"port": 80, "targetPort": name}])
    assert (paths(s, "invalid-port-name") == []) is ok


@pytest.mark.parametrize(
    "name,ok",
    [
        ("http", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("8080", True),
        ("a--b", True),
        ("HTTP", False),
        ("my_port", False),
        ("-http", False),
        ("http-", False),
        ("web.tls", False),
    ],
)
def test_service_port_names_are_dns1123_labels(name, ok):
    # validateServicePort checks the name with ValidateDNS1123Label, not IsValidPortName
    s = service([{"port": 80, "name": name}])
    found = paths(s, "invalid-port-name")
    assert (found == []) is ok
    if not ok:
        assert found == [("spec", "ports", 0, "name")]


def test_port_names_unique_and_required():
    d = deployment(container={"ports": [{"containerPort": 80, "name": "web"}, {"containerPort": 81, "name": "web"}]})
    (p,) = check(d)
    assert p.rule == "invalid-port-name" and p.path[-2:] == (1, "name") and "Duplicate value" in p.message
    # the same name in two different containers is allowed
    d = deployment(container={"ports": [{"containerPort": 80, "name": "web"}]})
    d["spec"]["template"]["spec"]["containers"].append(
        {"name": "side", "image": "x", "ports": [{"containerPort": 81, "name": "web"}]}
    )
    assert check(d) == []
    # one port may stay unnamed; two may not
    assert check(service([{"port": 80}])) == []
    s = service([{"port": 80, "name": "http"}, {"port": 443}])
    (p,) = check(s)
    assert p.rule == "invalid-port-name" and p.path == ("spec", "ports", 1) and "Required value" in p.message
    s = service([{"port": 80, "name": "http"}, {"port": 443, "name": "http"}])
    assert paths(s, "invalid-port-name") == [("spec", "ports", 1, "name")]


def test_init_and_ephemeral_containers_and_cronjob_templates():
    c = {"name": "x", "ports": [{"containerPort": 0}]}
    pod = {
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"initContainers": [c], "containers": [], "ephemeralContainers": [c]},
    }
    assert sorted(paths(pod, "invalid-port")) == [
        ("spec", "ephemeralContainers", 0, "ports", 0, "containerPort"),
        ("spec", "initContainers", 0, "ports", 0, "containerPort"),
    ]
    cj = {
        "kind": "CronJob",
        "metadata": {"name": "nightly"},
        "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [c]}}}}},
    }
    assert paths(cj, "invalid-port") == [
        ("spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "ports", 0, "containerPort")
    ]
    for kind in ("ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"):
        obj = {"kind": kind, "metadata": {"name": "x"}, "spec": {"template": {"spec": {"containers": [c]}}}}
        assert rules(obj) == ["invalid-port"], kind


# ---- rolling update --------------------------------------------------------


@pytest.mark.parametrize(
    "surge,unavailable,expect",
    [
        (0, 0, "may not be 0 when `maxSurge` is 0"),
        ("0%", 0, "may not be 0 when `maxSurge` is 0"),
        (0, "0%", "may not be 0 when `maxSurge` is 0"),
        (0, "25%", None),  # resolves to 0 at small replica counts, but accepted
        (1, 0, None),
        (0, 1, None),
        ("100%", "100%", None),
        ("200%", "25%", None),  # maxSurge may exceed 100%
        (1, "101%", "must not be greater than 100%"),
        ("25", 1, "a valid percent string"),
        (1, "25 %", "a valid percent string"),
        (-1, 1, "must be greater than or equal to 0"),
        (None, None, None),
    ],
)
def test_rolling_update_rows(surge, unavailable, expect):
    ru = {}
    if surge is not None:
        ru["maxSurge"] = surge
    if unavailable is not None:
        ru["maxUnavailable"] = unavailable
    d = deployment(strategy={"type": "RollingUpdate", "rollingUpdate": ru})
    found = [p for p in check(d) if p.rule == "rolling-update-invalid"]
    if expect is None:
        assert found == []
    else:
        assert len(found) == 1 and expect in found[0].message, found


def test_both_zero_points_at_max_unavailable_with_the_api_server_text():
    d = deployment(strategy={"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}})
    (p,) = check(d)
    assert p.path == ("spec", "strategy", "rollingUpdate", "maxUnavailable")
    assert p.message == (
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0; "
        "set maxSurge: 1 to keep every old pod until its replacement is ready"
    )


def test_recreate_with_rolling_update_is_forbidden():
    d = deployment(strategy={"type": "Recreate", "rollingUpdate": {"maxSurge": 1}})
    (p,) = check(d)
    assert p.rule == "rolling-update-invalid" and "Forbidden" in p.message
    assert check(deployment(strategy={"type": "Recreate"})) == []


# ---- quantities -------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        ("100M", Fraction(10**8)),
        ("100Mi", Fraction(100 * 2**20)),
        ("1.5Gi", Fraction(3 * 2**29)),
        ("100m", Fraction(1, 10)),
        ("1e3", Fraction(1000)),
        ("1E3", Fraction(1000)),
        ("0.5", Fraction(1, 2)),
        (0.5, Fraction(1, 2)),
        (2, Fraction(2)),
        (".5", Fraction(1, 2)),
        ("1k", Fraction(1000)),
        ("1Ki", Fraction(1024)),
        ("5e-3", Fraction(5, 1000)),
        ("+1", Fraction(1)),
        ("10n", Fraction(1, 10**8)),
        ("100MB", None),
        ("1K", None),
        ("1kb", None),
        ("100 Mi", None),
        ("1.5 Gi", None),
        ("1GiB", None),
        ("", None),
        (".", None),
        ("1..2", None),
        ("abc", None),
        ("1Mi1", None),
        (True, None),
        (None, None),
        ("100mi", None),
    ],
)
def test_parse_quantity(text, value):
    assert parse_quantity(text) == value


@pytest.mark.parametrize(
    "text,hint",
    [
        ("100MB", "100M or 100Mi"),
        ("512mb", "512M or 512Mi"),
        ("1GB", "1G or 1Gi"),
        ("1K", "1k or 1Ki"),
        ("2GiB", "2Gi"),
        ("100mi", "100Mi"),
        ("100 Mi", "100Mi"),
        ("abc", None),
    ],
)
def test_invalid_quantity_finding_and_hint(text, hint):
    d = deployment(container={"resources": {"limits": {"memory": text}}})
    (p,) = check(d)
    assert p.rule == "invalid-quantity"
    assert p.path == ("spec", "template", "spec", "containers", 0, "resources", "limits", "memory")
    assert "quantities must match the regular expression" in p.message
    if hint:
        assert p.message.endswith(f"did you mean {hint}?")
    else:
        assert "did you mean" not in p.message


def test_requests_above_limits():
    d = deployment(
        container={"resources": {"requests": {"memory": "2Gi", "cpu": "500m"}, "limits": {"memory": "1Gi", "cpu": 0.5}}}
    )
    (p,) = check(d)
    assert p.rule == "requests-exceed-limits"
    assert p.path == ("spec", "template", "spec", "containers", 0, "resources", "requests", "memory")
    assert p.message.startswith("spec.template.spec.containers[0].resources.requests.memory 2Gi is above its limit 1Gi")
    # equal after parsing (1Gi == 1024Mi, 500m == 0.5) is fine; different spellings are compared by value
    d = deployment(
        container={
            "resources": {"requests": {"memory": "1024Mi", "cpu": "0.5"}, "limits": {"memory": "1Gi", "cpu": "500m"}}
        }
    )
    assert check(d) == []
    d = deployment(container={"resources": {"requests": {"memory": "1G"}, "limits": {"memory": "1Gi"}}})
    assert check(d) == []  # 10^9 < 2^30
    d = deployment(container={"resources": {"requests": {"memory": "1Gi"}, "limits": {"memory": "1G"}}})
    assert rules(d) == ["requests-exceed-limits"]
    # a request with no limit for that resource is fine; an unparsable side is only invalid-quantity
    d = deployment(container={"resources": {"requests": {"memory": "9Gi"}, "limits": {"cpu": "1"}}})
    assert check(d) == []
    d = deployment(container={"resources": {"requests": {"memory": "9GB"}, "limits": {"memory": "1Gi"}}})
    assert rules(d) == ["invalid-quantity"]


@pytest.mark.parametrize(
    "rname,req,lim,ok",
    [
        ("nvidia.com/gpu", 1, 2, False),  # extended resources cannot be overcommitted: must be equal
        ("nvidia.com/gpu", 2, 2, True),
        ("hugepages-2Mi", "64Mi", "128Mi", False),
        ("hugepages-2Mi", "128Mi", "128Mi", True),
        ("memory", "64Mi", "128Mi", True),  # native resources may be overcommitted
        ("kubernetes.io/some-native", 1, 2, True),
    ],
)
def test_non_overcommittable_resources_need_request_equal_limit(rname, req, lim, ok):
    d = deployment(container={"resources": {"requests": {rname: req}, "limits": {rname: lim}}})
    found = [p for p in check(d) if p.rule == "requests-exceed-limits"]
    assert (found == []) is ok
    if not ok:
        assert f"must be equal to {rname} limit" in found[0].message


def test_negative_quantity_and_pvc_storage():
    d = deployment(container={"resources": {"requests": {"cpu": "-1"}}})
    assert rules(d) == ["invalid-quantity"]
    pvc = {
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": {"resources": {"requests": {"storage": "10GB"}}},
    }
    assert paths(pvc, "invalid-quantity") == [("spec", "resources", "requests", "storage")]


# ---- malformed input never raises ------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-70000, 70000) | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "metadata",
                    "spec",
                    "template",
                    "containers",
                    "ports",
                    "name",
                    "labels",
                    "selector",
                    "matchLabels",
                    "resources",
                    "requests",
                    "limits",
                    "memory",
                    "strategy",
                    "rollingUpdate",
                    "maxSurge",
                    "maxUnavailable",
                    "containerPort",
                    "nodePort",
                    "targetPort",
                    "port",
                    "annotations",
                    "jobTemplate",
                    "initContainers",
                    "matchExpressions",
                    "values",
                    "key",
                ]
            )
            | st.text(max_size=5)
            | st.integers(),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(
        [
            "Pod",
            "Deployment",
            "Service",
            "CronJob",
            "StatefulSet",
            "Namespace",
            "Role",
            "PersistentVolumeClaim",
            "ReplicationController",
            None,
            7,
        ]
    ),
    body=json_values,
)
def test_malformed_objects_never_raise(kind, body):
    obj = body if isinstance(body, dict) else {"spec": body}
    obj = dict(obj)
    obj["kind"] = kind
    for p in check(obj):
        assert isinstance(p.message, str) and p.rule in SEMANTIC
        assert_path_exists(obj, p.path)


def assert_path_exists(obj, path):
    """Every finding points at something that is in the object (the lead maps it to a line)."""
    node = obj
    for part in path:
        if isinstance(part, int):
            assert isinstance(node, list) and 0 <= part < len(node), path
        else:
            assert isinstance(node, dict) and part in node, path
        node = node[part]


@pytest.mark.parametrize(
    "obj",
    [
        None,
        [],
        "x",
        3,
        {"metadata": None},
        {"metadata": {"labels": []}},
        {"kind": "Deployment", "spec": {"strategy": {"rollingUpdate": {"maxSurge": [0]}}}},
        {"kind": "Service", "spec": {"ports": [None, 80, {"port": "eighty"}]}},
    ],
)
def test_simple_malformed_inputs(obj):
    assert check(obj) == []


# ---- catalogue entries and fixtures -----------------------------------------

import re as _re  # noqa: E402
from pathlib import Path  # noqa: E402

from ruamel.yaml import YAML  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEMANTIC_SLUGS = sorted(SEMANTIC)


def finding_lines(text: str) -> set[tuple[int, str]]:
    """(1-based line, rule) of every semantic finding in a YAML stream.

    A stand-in for the lead's positions module, good enough for fixtures:
    the key's line for ``at="key"``, the value's (or list item's) line otherwise.
    """
    plain = [d for d in YAML(typ="safe").load_all(text)]
    marked = [d for d in YAML().load_all(text)]
    out = set()
    for obj, node in zip(plain, marked):
        if obj is None:
            continue
        for p in check(obj):
            parent = node
            for part in p.path[:-1]:
                parent = parent[part]
            last = p.path[-1] if p.path else None
            if isinstance(last, int):
                line = parent.lc.item(last)[0]
            elif p.at == "key":
                line = parent.lc.key(last)[0]
            else:
                line = parent.lc.value(last)[0]
            out.add((line + 1, p.rule))
    return out


def expected_lines(text: str) -> set[tuple[int, str]]:
    return {
        (i, m.group(1))
        for i, line in enumerate(text.splitlines(), 1)
        for m in [_re.search(r"#\s*expect:\s*([a-z0-9-]+)(?:@\d+)?\s*$", line)]
        if m
    }


@pytest.mark.parametrize("slug", SEMANTIC_SLUGS)
def test_rule_doc_is_complete_and_its_example_fires(slug):
    doc = YAML(typ="safe").load((ROOT / "rules" / f"{slug}.yaml").read_text(encoding="utf-8"))
    assert doc["slug"] == slug and doc["stage"] == "semantic" and doc["summary"]
    for part in ("what", "why", "example", "fix"):
        assert isinstance(doc["docs"][part], str) and doc["docs"][part].strip()
    fired = {r for _, r in finding_lines(doc["docs"]["example"])}
    assert slug in fired
    assert finding_lines(doc["docs"]["fix"]) == set()


FIXTURES = sorted(p for slug in SEMANTIC_SLUGS for p in (ROOT / "fixtures" / slug).glob("*.yaml"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_findings_land_on_the_marked_lines(path):
    text = path.read_text(encoding="utf-8")
    expected = expected_lines(text)
    if path.name.startswith("fires-"):
        assert expected and {r for _, r in expected} == {path.parent.name}
    else:
        assert path.name.startswith("passes-") and not expected
    assert finding_lines(text) == expected


def test_every_semantic_slug_has_fixtures_both_ways():
    for slug in SEMANTIC_SLUGS:
        names = [p.name for p in (ROOT / "fixtures" / slug).glob("*.yaml")]
        assert any(n.startswith("fires-") for n in names), slug
        assert any(n.startswith("passes-") for n in names), slug


def daemonset(ru, type_="RollingUpdate"):
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent"},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "updateStrategy": {"type": type_, "rollingUpdate": ru},
            "template": {
                "metadata": {"labels": {"app": "agent"}},
                "spec": {"containers": [{"name": "a", "image": "busybox"}]},
            },
        },
    }


@pytest.mark.parametrize(
    "ru,expect",
    [
        ({}, None),  # defaults: maxUnavailable 1, maxSurge 0
        ({"maxSurge": 1}, "may not be set when maxUnavailable is non-zero (maxUnavailable defaults to 1"),
        ({"maxSurge": "10%", "maxUnavailable": 0}, None),
        ({"maxSurge": 1, "maxUnavailable": 1}, "may not be set when maxUnavailable is non-zero"),
        ({"maxUnavailable": 0}, "cannot be 0 when maxSurge is 0"),
        ({"maxUnavailable": "0%", "maxSurge": "0%"}, "cannot be 0 when maxSurge is 0"),
        ({"maxUnavailable": "120%", "maxSurge": 0}, "must not be greater than 100%"),
        ({"maxUnavailable": 0, "maxSurge": "120%"}, "must not be greater than 100%"),  # capped for DaemonSets
        ({"maxUnavailable": "50%"}, None),
    ],
)
def test_daemonset_rolling_update_rows(ru, expect):
    found = [p for p in check(daemonset(ru)) if p.rule == "rolling-update-invalid"]
    if expect is None:
        assert found == []
    else:
        assert len(found) == 1 and expect in found[0].message, found


def test_daemonset_on_delete_ignores_rolling_update():
    assert check(daemonset({"maxSurge": 1}, type_="OnDelete")) == []


def test_deployment_string_without_percent_counts_as_its_number():
    # getIntOrPercentValue falls back to IntValue(): "0" is both an invalid percent and 0
    d = deployment(strategy={"rollingUpdate": {"maxSurge": "0", "maxUnavailable": 0}})
    msgs = [p.message for p in check(d)]
    assert len(msgs) == 2
    assert any("a valid percent string" in m for m in msgs)
    assert any("may not be 0 when `maxSurge` is 0" in m for m in msgs)


leaf = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats()
    | st.text(max_size=70)
    | st.lists(st.integers(), max_size=2)
    | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=leaf,
    label_key=st.text(max_size=70),
    label_value=leaf,
    port=leaf,
    port_name=leaf,
    qty=leaf,
    qty2=leaf,
    surge=leaf,
    unavailable=leaf,
    kind=st.sampled_from(["Deployment", "DaemonSet", "Service", "Pod"]),
)
def test_structured_objects_with_random_leaves_never_raise(
    name, label_key, label_value, port, port_name, qty, qty2, surge, unavailable, kind
):
    container = {
        "name": "c",
        "ports": [{"containerPort": port, "name": port_name, "hostPort": port}],
        "resources": {"requests": {"memory": qty, "cpu": qty2}, "limits": {"memory": qty2, "cpu": qty}},
    }
    spec = {
        "selector": {"matchLabels": {label_key: label_value}},
        "strategy": {"rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}},
        "updateStrategy": {"rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}},
        "template": {"metadata": {"labels": {label_key: label_value}}, "spec": {"containers": [container]}},
        "containers": [container],
        "ports": [
            {"port": port, "targetPort": port_name, "nodePort": port, "name": port_name},
            {"port": port, "targetPort": port, "name": port_name},
        ],
    }
    obj = {
        "kind": kind,
        "metadata": {"name": name, "labels": {label_key: label_value}, "annotations": {label_key: label_value}},
        "spec": spec,
    }
    for p in check(obj):
        assert p.rule in SEMANTIC and p.message
        assert_path_exists(obj, p.path)
