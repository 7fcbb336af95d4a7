"""Tests for the rollout simulator (k8scheck.simulate)."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from k8scheck.simulate import (
    IntOrPercentError,
    ReplicaSetState,
    max_surge,
    max_unavailable,
    new_rs_new_replicas,
    replicaset_name,
    resolve_fenceposts,
    scale_replicasets,
    simulate_rollout,
    simulate_scale,
    template_hash,
)
from k8scheck.simulate.podtemplate import SAFE_ALPHABET
from k8scheck.simulate.rollout import _Controller, parse_deployment, render_kubectl

HERE = Path(__file__).parent
CASES = YAML(typ="safe").load((HERE / "rollout_cases.yaml").read_text(encoding="utf-8"))

OLD_RS = "nginx-deployment-595dff4799"
NEW_RS = "nginx-deployment-789bf7b8fc"


def nginx(image: str, replicas=3, strategy=None) -> dict:
    """The seed 003 Deployment (chapter-06/deployment.yaml)."""
    spec = {
        "replicas": replicas,
        "selector": {"matchLabels": {"app": "nginx"}},
        "template": {
            "metadata": {"labels": {"app": "nginx"}},
            "spec": {"containers": [{"name": "nginx", "image": image, "ports": [{"containerPort": 80}]}]},
        },
    }
    if replicas is None:
        del spec["replicas"]
    if strategy is not None:
        spec["strategy"] = strategy
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx-deployment"}, "spec": spec}


def seed(**kw):
    kw.setdefault("old_rs_name", OLD_RS)
    kw.setdefault("new_rs_name", NEW_RS)
    return simulate_rollout(nginx("nginx:1.25.3"), nginx("nginx:1.24.0"), **kw)


# ----------------------------------------------------------------------------- seed 003

SEED_EVENTS_129 = [
    f"Scaled up replica set {NEW_RS} to 1",
    f"Scaled down replica set {OLD_RS} to 2 from 3",
    f"Scaled up replica set {NEW_RS} to 2 from 1",
    f"Scaled down replica set {OLD_RS} to 1 from 2",
    f"Scaled up replica set {NEW_RS} to 3 from 2",
    f"Scaled down replica set {OLD_RS} to 0 from 1",
]

SEED_EVENTS_132 = [
    f"Scaled up replica set {NEW_RS} from 0 to 1",
    f"Scaled down replica set {OLD_RS} from 3 to 2",
    f"Scaled up replica set {NEW_RS} from 1 to 2",
    f"Scaled down replica set {OLD_RS} from 2 to 1",
    f"Scaled up replica set {NEW_RS} from 2 to 3",
    f"Scaled down replica set {OLD_RS} from 1 to 0",
]


def test_seed_healthy_rollout_events_exact_1_29():
    result = seed(kube_version="1.29")
    assert result.events == SEED_EVENTS_129
    assert [s.events for s in result.steps] == [[e] for e in SEED_EVENTS_129]
    assert result.outcome == "complete"
    assert (result.max_surge, result.max_unavailable) == (1, 0)
    assert result.min_available == 3
    assert result.strategy == "RollingUpdate" and result.replicas == 3
    assert result.name == "nginx-deployment" and result.namespace == "default"


@pytest.mark.parametrize("version", ["1.32", "v1.32.0", "1.33", "1.37"])
def test_seed_healthy_rollout_events_new_text_from_1_32(version):
    assert seed(kube_version=version).events == SEED_EVENTS_132


@pytest.mark.parametrize("version", ["1.28", "v1.31.4", "1.22"])
def test_seed_old_text_before_1_32(version):
    assert seed(kube_version=version).events == SEED_EVENTS_129


def test_seed_bad_tag_is_stuck_with_kubectl_view():
    result = seed(kube_version="1.29", new_pods="fail")
    assert result.events == [f"Scaled up replica set {NEW_RS} to 1"]
    assert result.outcome == "stuck" and result.stuck and not result.complete
    assert result.min_available == 3
    dep = result.kubectl_deployment
    assert (dep.ready, dep.up_to_date, dep.available) == ("3/3", 1, 3)
    rows = {r.name: (r.desired, r.current, r.ready) for r in result.kubectl_replicasets}
    assert rows == {OLD_RS: (3, 3, 3), NEW_RS: (1, 1, 0)}
    text = render_kubectl(result)
    assert "3/3" in text and NEW_RS in text and OLD_RS in text


def test_seed_max_surge_zero_one_replica_outage():
    strategy = {"rollingUpdate": {"maxSurge": 0}}  # maxUnavailable defaults to 25% -> 0 -> forced 1
    result = simulate_rollout(
        nginx("blux2/hello-server:1.3", 1, strategy),
        nginx("blux2/hello-server:1.4", 1, strategy),
        new_pods="fail",
        kube_version="1.29",
        old_rs_name="old",
        new_rs_name="new",
    )
    assert (result.max_surge, result.max_unavailable) == (0, 1)
    assert result.steps[0].events == ["Scaled down replica set old to 0 from 1"]
    assert (result.steps[0].old, result.steps[0].new, result.steps[0].available) == (0, 0, 0)
    assert result.outcome == "outage" and result.outage_step == 1
    assert result.min_available == 0
    assert result.steps[1].events == ["Scaled up replica set new to 1 from 0"]
    assert result.final_available == 0 and not result.complete


def test_recreate_ten_replicas_old_gone_before_new_created():
    strategy = {"type": "Recreate"}
    result = simulate_rollout(
        nginx("nginx:1.25.3", 10, strategy),
        nginx("nginx:1.24.0", 10, strategy),
        kube_version="1.29",
        old_rs_name=OLD_RS,
        new_rs_name=NEW_RS,
    )
    assert result.events == [
        f"Scaled down replica set {OLD_RS} to 0 from 10",
        f"Scaled up replica set {NEW_RS} to 10",
    ]
    assert [(s.old, s.new) for s in result.steps] == [(0, 0), (0, 10)]
    assert (result.max_surge, result.max_unavailable) == (0, 0)
    assert result.strategy == "Recreate"
    assert result.outcome == "outage" and result.min_available == 0
    assert result.complete  # it does finish; the downtime is the finding
    assert result.final_available == 10


# ----------------------------------------------------------------------------- tables


@pytest.mark.parametrize(
    "row", CASES["fenceposts"], ids=lambda r: f"{r['max_surge']}/{r['max_unavailable']}@{r['replicas']}"
)
def test_resolve_fenceposts_table(row):
    got = resolve_fenceposts(row["max_surge"], row["max_unavailable"], row["replicas"])
    if row.get("error"):
        assert isinstance(got, IntOrPercentError)
    else:
        assert got == tuple(row["expect"])


def _dep(replicas, strategy="RollingUpdate", surge=None, unavailable=None, **extra):
    spec = {"replicas": replicas, "strategy": {"type": strategy}}
    if strategy == "RollingUpdate":
        rolling = {}
        if surge is not None:
            rolling["maxSurge"] = surge
        if unavailable is not None:
            rolling["maxUnavailable"] = unavailable
        spec["strategy"]["rollingUpdate"] = rolling
    spec.update(extra)
    return {"metadata": {"name": "foo"}, "spec": spec}


@pytest.mark.parametrize("row", CASES["max_unavailable"], ids=lambda r: str(r))
def test_max_unavailable_table(row):
    d = _dep(row["replicas"], row.get("strategy", "RollingUpdate"), row.get("max_surge"), row.get("max_unavailable"))
    assert max_unavailable(d) == row["expect"]


@pytest.mark.parametrize("row", CASES["new_rs_new_replicas"], ids=lambda r: str(r))
def test_new_rs_new_replicas_table(row):
    d = _dep(row["replicas"], row["strategy"], row.get("max_surge"), row.get("max_unavailable"))
    assert new_rs_new_replicas(d, row["all_rs"], row["new_rs"]) == row["expect"]


def _controller(d, rss):
    return _Controller(parse_deployment(d), rss, "1.37", "new-hash", "foo-new", True)


@pytest.mark.parametrize("row", CASES["reconcile_new"], ids=lambda r: str(r))
def test_reconcile_new_replicaset_table(row):
    d = _dep(row["replicas"], surge=row["max_surge"], unavailable=0)
    new = ReplicaSetState("foo-new", row["new"], available=row["new"], created=2, template_hash="new-hash")
    old = ReplicaSetState("foo-old", row["old"], available=row["old"], created=1, template_hash="old")
    ctl = _controller(d, [old, new])
    scaled = ctl.reconcile_new(new)
    if row["expect"] is None:
        assert not scaled and ctl.events == [] and new.replicas == row["new"]
    else:
        assert scaled and new.replicas == row["expect"] and len(ctl.events) == 1


@pytest.mark.parametrize("row", CASES["reconcile_old"], ids=lambda r: str(r))
def test_reconcile_old_replicasets_table(row):
    d = _dep(row["replicas"], surge=0, unavailable=row["max_unavailable"])
    old = ReplicaSetState("foo-old", row["old"], available=row["old_ready"], created=1, template_hash="old")
    new = ReplicaSetState("foo-new", row["new"], available=row["new_ready"], created=2, template_hash="new-hash")
    ctl = _controller(d, [old, new])
    scaled = ctl.reconcile_old(new)
    if row["expect"] is None:
        assert not scaled and old.replicas == row["old"]
    else:
        assert scaled and old.replicas == row["expect"]


@pytest.mark.parametrize("row", CASES["cleanup_unhealthy"], ids=lambda r: str(r))
def test_cleanup_unhealthy_table(row):
    d = _dep(10, surge=2, unavailable=2)
    old = ReplicaSetState("foo-old", row["old"], available=row["ready"], created=1, template_hash="old")
    ctl = _controller(d, [old])
    assert ctl.cleanup_unhealthy([old], row["max_cleanup"]) == row["expect_cleaned"]
    assert old.replicas == row["old"] - row["expect_cleaned"]


@pytest.mark.parametrize("row", CASES["scale_down_old"], ids=lambda r: str(r))
def test_scale_down_old_for_rolling_table(row):
    d = _dep(row["replicas"], surge=0, unavailable=row["max_unavailable"])
    old = ReplicaSetState(
        "foo-old", row["old"], available=min(row["ready"], row["old"]), created=1, template_hash="old"
    )
    ctl = _controller(d, [old])
    scaled = ctl.scale_down_old_for_rolling([old])
    if row["expect"] is None:
        assert scaled == 0 and old.replicas == row["old"]
    else:
        assert old.replicas == row["expect"] and scaled == row["old"] - row["expect"]


@pytest.mark.parametrize("row", CASES["scale"], ids=lambda r: r["name"])
def test_proportional_scale_table(row):
    # sync_test.go's newDeployment defaults both fenceposts to 0.
    d = _dep(row["replicas"], surge=row.get("max_surge", 0), unavailable=row.get("max_unavailable", 0))
    old_d = _dep(row["old_replicas"], surge=row.get("old_surge", 0), unavailable=row.get("old_unavailable", 0))
    old_max = row["old_replicas"] + max_surge(old_d)
    rss = []
    for index, item in enumerate(row["rs"]):
        name, size = item[0], item[1]
        available = item[2] if len(item) > 2 else size
        rss.append(
            ReplicaSetState(
                name,
                size,
                available=available,
                created=index + 1,
                desired_replicas=row["old_replicas"],
                max_replicas=old_max,
            )
        )
    sizes, events = scale_replicasets(d, rss, new_rs_name=row["new"])
    assert sizes == row["expect"]
    changed = [n for n, s in sizes.items() if s != dict((i[0], i[1]) for i in row["rs"])[n]]
    assert len(events) == len(changed)
    assert rss[0].replicas == row["rs"][0][1]  # the caller's objects are not mutated


def _table_deployment(spec: dict | None, image: str) -> dict | None:
    if spec is None:
        return None
    strategy = {}
    if spec.get("strategy"):
        strategy["type"] = spec["strategy"]
    rolling = {k2: spec[k] for k, k2 in (("max_surge", "maxSurge"), ("max_unavailable", "maxUnavailable")) if k in spec}
    if rolling:
        strategy["rollingUpdate"] = rolling
    body = {
        "replicas": spec["replicas"],
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": image}]}},
    }
    if strategy:
        body["strategy"] = strategy
    if spec.get("paused"):
        body["paused"] = True
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": body}


@pytest.mark.parametrize("row", CASES["rollouts"], ids=lambda r: r["name"])
def test_rollout_table(row):
    old = _table_deployment(row["old"], "web:1")
    new_image = "web:1" if row["new"].get("same_template") else "web:2"
    new = _table_deployment(row["new"], new_image)
    kwargs = {}
    if row.get("change_replicas_at_step"):
        kwargs["change_replicas_at_step"] = tuple(row["change_replicas_at_step"])
    result = simulate_rollout(
        old,
        new,
        new_pods=row.get("new_pods", "ready"),
        kube_version=row.get("kube_version", "1.37"),
        old_rs_name="web-old",
        new_rs_name="web-new",
        **kwargs,
    )
    assert [[s.old, s.new, s.available] for s in result.steps] == row["steps"]
    assert result.outcome == row["outcome"]
    assert result.min_available == row["min_available"]
    if "events" in row:
        assert result.events == row["events"]
    if "outage_step" in row:
        assert result.outage_step == row["outage_step"]
    if "kubectl" in row:
        dep = result.kubectl_deployment
        assert {"ready": dep.ready, "up_to_date": dep.up_to_date, "available": dep.available} == row["kubectl"]
    assert len(result.problems) == row.get("problems", 0)
    assert result.events == [e for s in result.steps for e in s.events]


def test_table_has_enough_rollout_scenarios():
    rows = CASES["rollouts"]
    assert len(rows) >= 30
    replicas = {r["new"]["replicas"] for r in rows}
    assert min(replicas) <= 1 and max(replicas) >= 20
    assert any(r["new"].get("strategy") == "Recreate" for r in rows)
    assert any(r.get("change_replicas_at_step") for r in rows)
    assert any(r.get("new_pods") == "fail" for r in rows) and any(r.get("new_pods", "ready") == "ready" for r in rows)


# ----------------------------------------------------------------------------- invariants


@pytest.mark.parametrize("replicas", [1, 2, 3, 5, 8, 13, 20])
@pytest.mark.parametrize(
    "surge,unavailable", [("25%", "25%"), (1, 0), (0, 1), ("50%", "50%"), ("100%", 0), (2, 3), ("30%", "0%")]
)
@pytest.mark.parametrize("new_pods", ["ready", "fail"])
def test_rolling_update_never_breaks_its_own_bounds(replicas, surge, unavailable, new_pods):
    strategy = {"rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}}
    result = simulate_rollout(nginx("a", replicas, strategy), nginx("b", replicas, strategy), new_pods=new_pods)
    floor = replicas - result.max_unavailable
    for step in result.steps:
        assert step.old + step.new <= replicas + result.max_surge
        assert step.available >= floor
        assert step.events  # only passes that changed something are steps
    if new_pods == "ready":
        assert result.complete
        assert result.steps[-1].old == 0 and result.steps[-1].new == replicas
    else:
        assert not result.complete and result.final_available == result.min_available
    assert result.outcome == ("outage" if floor == 0 else "complete" if new_pods == "ready" else "stuck")


# ----------------------------------------------------------------------------- other behaviour


def test_replicas_only_change_keeps_replicaset():
    result = simulate_rollout(nginx("nginx:1.25.3", 3), nginx("nginx:1.25.3", 5), kube_version="1.29")
    name = replicaset_name("nginx-deployment", nginx("nginx:1.25.3")["spec"]["template"])
    assert result.events == [f"Scaled up replica set {name} to 5 from 3"]
    assert not result.new_replicaset_created
    assert result.new_rs_name == name and result.outcome == "complete"


def test_template_change_creates_named_replicaset():
    result = simulate_rollout(nginx("nginx:1.25.3"), nginx("nginx:1.24.0"), kube_version="1.29")
    new_name = replicaset_name("nginx-deployment", nginx("nginx:1.24.0")["spec"]["template"])
    old_name = replicaset_name("nginx-deployment", nginx("nginx:1.25.3")["spec"]["template"])
    assert result.new_replicaset_created and result.new_rs_name == new_name
    assert result.old_rs_names == [old_name]
    assert result.events[0] == f"Scaled up replica set {new_name} to 1"


def test_first_creation_is_not_an_outage():
    result = simulate_rollout(None, nginx("nginx:1.24.0"), kube_version="1.29", new_rs_name="x")
    assert result.events == ["Scaled up replica set x to 3"]
    assert result.outcome == "complete" and result.initial_available == 0 and result.final_available == 3


def test_defaults_when_fields_absent():
    d = nginx("a", replicas=None)
    result = simulate_rollout(None, d)
    assert result.replicas == 1 and result.strategy == "RollingUpdate"
    assert (result.max_surge, result.max_unavailable) == (1, 0)


@pytest.mark.parametrize(
    "bad,path_end",
    [
        ({"spec": {"replicas": "three"}}, "replicas"),
        ({"spec": {"strategy": {"rollingUpdate": {"maxSurge": "abc"}}}}, "maxSurge"),
        ({"spec": {"strategy": {"rollingUpdate": {"maxUnavailable": "150%"}}}}, "maxUnavailable"),
        ({"spec": {"strategy": {"rollingUpdate": {"maxSurge": -1}}}}, "maxSurge"),
        ({"spec": {"strategy": {"rollingUpdate": {"maxSurge": 1.5}}}}, "maxSurge"),
        ({"spec": {"strategy": {"type": "BlueGreen"}}}, "type"),
        ({"spec": {"strategy": {"type": "Recreate", "rollingUpdate": {}}}}, "rollingUpdate"),
    ],
)
def test_unusable_values_are_reported_not_raised(bad, path_end):
    d = nginx("b")
    for key, value in bad["spec"].items():
        d["spec"][key] = value
    result = simulate_rollout(nginx("a"), d)
    assert result.problems, "expected a reported problem"
    assert result.problems[0].path[-1] == path_end
    assert result.problems[0].rule == "rollout-invalid-value"
    assert result.steps  # the simulation still ran on defaults


@pytest.mark.parametrize(
    "new",
    [
        None,
        {},
        [],
        "x",
        {"spec": None},
        {"spec": []},
        {"metadata": None, "spec": {"template": 5}},
        {"spec": {"strategy": "fast"}},
        {"spec": {"strategy": {"rollingUpdate": [1]}}},
        {"spec": {"replicas": True}},
        {"spec": {"replicas": -3}},
    ],
)
def test_malformed_deployments_never_raise(new):
    result = simulate_rollout(nginx("a"), new)
    assert result.outcome in ("complete", "stuck", "outage")
    result = simulate_rollout(None, new, new_pods="maybe", kube_version=None)
    assert result.outcome in ("complete", "stuck", "outage")


def test_invalid_int_or_percent_values():
    for value in ("abc", "5", "%", "1.5%", "", True, 1.5, [], {}):
        assert isinstance(resolve_fenceposts(value, 1, 10), IntOrPercentError), value
    assert isinstance(resolve_fenceposts(1, "x%", 10), IntOrPercentError)
    # float64 (pct * total) / 100, then ceil for surge and floor for unavailable
    assert resolve_fenceposts("29%", "29%", 10) == (3, 2)
    assert resolve_fenceposts("29%", "29%", 100) == (29, 29)


def test_simulate_scale_events_text():
    rss = [
        ReplicaSetState("foo-v1", 3, available=3, created=1, desired_replicas=5, max_replicas=5),
        ReplicaSetState("foo-v2", 2, available=2, created=2, desired_replicas=5, max_replicas=5),
    ]
    d = _dep(10, surge=0, unavailable=1)
    assert simulate_scale(d, rss, new_rs_name="foo-v2", kube_version="1.29") == [
        "Scaled up replica set foo-v1 to 6 from 3",
        "Scaled up replica set foo-v2 to 4 from 2",
    ]
    assert simulate_scale(d, rss, new_rs_name="foo-v2", kube_version="1.32") == [
        "Scaled up replica set foo-v1 from 3 to 6",
        "Scaled up replica set foo-v2 from 2 to 4",
    ]


def test_old_replicasets_from_manifests_with_unhealthy_old_pods():
    old_rs = {
        "metadata": {
            "name": "web-a",
            "annotations": {
                "deployment.kubernetes.io/desired-replicas": "10",
                "deployment.kubernetes.io/max-replicas": "12",
                "deployment.kubernetes.io/revision": "1",
            },
        },
        "spec": {"replicas": 10},
        "status": {"availableReplicas": 8},
    }
    new = _table_deployment({"replicas": 10, "max_surge": 2, "max_unavailable": 2}, "web:2")
    result = simulate_rollout(None, new, old_replicasets=[old_rs], new_rs_name="web-b", kube_version="1.29")
    # creation takes the surge room (2), then 2 unavailable old pods are cleaned up first
    assert result.steps[0].events == ["Scaled up replica set web-b to 2", "Scaled down replica set web-a to 8 from 10"]
    assert result.steps[0].available == 8
    assert old_rs["spec"]["replicas"] == 10  # input untouched


def test_paused_deployment_does_not_roll_out():
    new = nginx("b")
    new["spec"]["paused"] = True
    result = simulate_rollout(nginx("a"), new)
    assert result.steps == [] and result.outcome == "paused"
    assert any("paused" in n for n in result.notes)


# ----------------------------------------------------------------------------- pod template hash


def test_template_hash_style_and_stability():
    t = nginx("nginx:1.24.0")["spec"]["template"]
    h = template_hash(t)
    assert 1 <= len(h) <= 10 and set(h) <= set("456789bcdf") <= set(SAFE_ALPHABET)
    assert template_hash(copy.deepcopy(t)) == h
    reordered = {"spec": t["spec"], "metadata": {"labels": {"app": "nginx"}}}
    assert template_hash(reordered) == h
    assert template_hash(nginx("nginx:1.25.3")["spec"]["template"]) != h
    changed = copy.deepcopy(t)
    changed["metadata"]["labels"]["tier"] = "web"
    assert template_hash(changed) != h
    assert replicaset_name("nginx-deployment", t) == f"nginx-deployment-{h}"
    assert template_hash(nginx("nginx:1.24.0", replicas=7)["spec"]["template"]) == h
    with_hash_label = copy.deepcopy(t)
    with_hash_label["metadata"]["labels"]["pod-template-hash"] = "595dff4799"
    assert template_hash(with_hash_label) == h


def test_template_hash_independent_of_hash_seed():
    code = (
        "from k8scheck.simulate.podtemplate import template_hash;"
        "print(template_hash({'spec': {'containers': [{'name': 'a', 'image': 'b'}]}, 'metadata': {'labels': {'x': "
        "'y'}}}))"
    )
    outs = set()
    for seed_value in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed_value, PYTHONPATH=str(HERE.parent))
        outs.add(
            subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
        )
    assert len(outs) == 1
    assert outs.pop().strip() == template_hash(
        {"metadata": {"labels": {"x": "y"}}, "spec": {"containers": [{"name": "a", "image": "b"}]}}
    )


def test_template_hash_of_malformed_templates():
    for value in (None, 5, "x", [], {"a": None}, {"a": {1: object()}}):
        h = template_hash(value)
        assert h and set(h) <= set(SAFE_ALPHABET)


def test_rollback_reuses_existing_replicaset():
    tmpl_a = nginx("nginx:1.25.3")["spec"]["template"]
    tmpl_b = nginx("nginx:1.24.0")["spec"]["template"]
    old_rss = [
        {"metadata": {"name": "rs-a"}, "spec": {"replicas": 0, "template": tmpl_a}, "status": {"availableReplicas": 0}},
        {"metadata": {"name": "rs-b"}, "spec": {"replicas": 3, "template": tmpl_b}, "status": {"availableReplicas": 3}},
    ]
    result = simulate_rollout(
        nginx("nginx:1.24.0"), nginx("nginx:1.25.3"), old_replicasets=old_rss, kube_version="1.29"
    )
    assert not result.new_replicaset_created and result.new_rs_name == "rs-a"
    # the existing RS is scaled, so the text is the "from" form even before 1.32
    assert result.events[0] == "Scaled up replica set rs-a to 1 from 0"
    assert result.events[-1] == "Scaled down replica set rs-b to 0 from 1"
    assert result.outcome == "complete"


def test_replica_change_at_step_zero_equals_changing_both_in_one_apply():
    together = simulate_rollout(nginx("a", 3), nginx("b", 6), old_rs_name="o", new_rs_name="n")
    later = simulate_rollout(
        nginx("a", 3), nginx("b", 3), old_rs_name="o", new_rs_name="n", change_replicas_at_step=(0, 6)
    )
    assert together.events == later.events
    assert together.events[0] == "Scaled up replica set o from 3 to 6"
    assert later.replicas == 6


def test_change_after_the_rollout_ended_is_applied_at_the_end():
    result = simulate_rollout(
        nginx("a", 3), nginx("b", 3), old_rs_name="o", new_rs_name="n", change_replicas_at_step=(99, 1)
    )
    assert result.events[-1] == "Scaled down replica set n from 3 to 1"
    assert result.replicas == 1 and result.complete


def test_result_to_dict_is_json_ready():
    import json

    d = nginx("b")
    d["spec"]["strategy"] = {"rollingUpdate": {"maxSurge": "abc"}}
    data = json.loads(json.dumps(seed(new_pods="fail").to_dict()))
    assert data["outcome"] == "stuck" and data["steps"][0]["new"] == 1
    assert data["kubectl_deployment"] == {"name": "nginx-deployment", "ready": "3/3", "up_to_date": 1, "available": 3}
    bad = json.loads(json.dumps(simulate_rollout(nginx("a"), d).to_dict()))
    assert bad["problems"][0]["path"] == ["spec", "strategy", "rollingUpdate", "maxSurge"]


def test_canonical_template_fast_path_agrees_with_pruning():
    """The C-encoded JSON of a template is its canonical text only when there is nothing to prune."""
    from k8scheck.loader import load
    from k8scheck.simulate.podtemplate import _pruned_text, canonical_template

    base = nginx("nginx:1.24.0")["spec"]["template"]
    crafted = [
        base,
        {**base, "metadata": {"labels": {"pod-template-hash": "595dff4799"}}},  # labels empty once the hash goes
        {**base, "metadata": {"labels": {"app": "a", "pod-template-hash": "x"}, "annotations": {}}},
        {**base, "spec": {**base["spec"], "volumes": [{"name": "v", "emptyDir": {}}]}},
        {**base, "spec": {**base["spec"], "nodeSelector": None}},
        {**base, "spec": {**base["spec"], "args": ["/dev/null", "[]", "{}"]}},  # markers inside strings
        {"metadata": {"labels": {"true": "x"}}},
        {"metadata": {"labels": {True: "x"}}},  # a boolean key: JSON writes "true", the pruned text "True"
        {"spec": {"tolerations": []}},
        {"spec": {"containers": [{"name": "a", "env": [{"name": "A", "value": ""}]}]}},
    ]
    templates = list(crafted)
    for manifest in load([str(HERE.parent / "fixtures")]).manifests:
        spec = manifest.obj.get("spec")
        if isinstance(spec, dict) and isinstance(spec.get("template"), dict):
            templates.append(spec["template"])
    assert len(templates) > 50
    for template in templates:
        assert canonical_template(template) == _pruned_text(template)


# ----------------------------------------------------------------------------- shared next rollouts

SHAPES = [
    {"replicas": 1},
    {"replicas": 3, "strategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}},
    {"replicas": 4, "strategy": {"rollingUpdate": {"maxSurge": "50%", "maxUnavailable": "50%"}}},
    {"replicas": 2, "strategy": {"type": "Recreate"}},
    {"replicas": 3, "revisionHistoryLimit": 0},
    {"replicas": 2, "paused": True},
    {"replicas": 0},
    {"replicas": 5, "minReadySeconds": 10, "progressDeadlineSeconds": 60},
]
NAMES = ["web", "web-1", "w", "api-server-with-a-rather-long-name", "a.b", 7]


def _deployments_of_every_shape():
    for shape in SHAPES:
        for index, name in enumerate(NAMES):
            deployment = nginx(f"nginx:1.2{index}.0")
            deployment["metadata"] = {"name": name, "namespace": f"ns{index % 2}"}
            deployment["spec"] = {
                **shape,
                "selector": deployment["spec"]["selector"],
                "template": deployment["spec"]["template"],
            }
            yield deployment


@pytest.mark.parametrize("kube_version", ["1.29", "1.33"])
@pytest.mark.parametrize("mode", ["ready", "fail"])
def test_next_rollouts_shared_by_shape_read_as_if_each_were_simulated(mode, kube_version):
    """Renaming the first Deployment's simulation gives every other of its shape exactly its own rollout."""
    from k8scheck.loader import load
    from k8scheck.rolloutplan import _next_rollout, _next_template

    deployments = list(_deployments_of_every_shape())
    for manifest in load([str(HERE.parent / "fixtures")]).manifests:
        if manifest.kind == "Deployment" and isinstance(manifest.obj.get("spec"), dict):
            deployments.append(manifest.obj)
    memo: dict = {}
    renamed_ones = 0
    for deployment in deployments:
        first_of_shape = len(memo)
        shared = _next_rollout(deployment, mode, kube_version, memo)
        renamed_ones += len(memo) == first_of_shape
        alone = simulate_rollout(deployment, _next_template(deployment), new_pods=mode, kube_version=kube_version)
        assert shared.to_dict() == alone.to_dict(), deployment["metadata"]
    assert renamed_ones > len(deployments) // 2
