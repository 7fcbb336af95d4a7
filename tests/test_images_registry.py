"""check_images against a real distribution registry on loopback.

The registry is started by the ``registry`` fixture (tests/registry_support.py);
tests push their own images through the registry HTTP API.  Token auth is
emulated by a loopback FrontProxy in front of the real registry.
"""

from __future__ import annotations

import base64
import json
import logging

import pytest
from registry_support import FrontProxy, SilentServer, free_port, no_proxy_env, push_image, registry  # noqa: F401

from k8scheck.images import check_images, registry_problems

pytestmark = pytest.mark.usefixtures("no_proxy_env")

HELLO_TAGS = ["1.0", "1.1", "1.2", "1.4", "1.5"]


@pytest.fixture(scope="module")
def images(registry):
    """Push the images every test here reads; returns {name: digest}."""
    host = registry.host
    pushed = {}
    for tag in HELLO_TAGS:
        pushed[f"blux2/hello-server:{tag}"] = push_image(host, "blux2/hello-server", tag)
    pushed["team/app:2.0"] = push_image(host, "team/app", "2.0", flavour="docker")
    pushed["library/alpine:3.19"] = push_image(host, "library/alpine", "3.19")
    pushed["private/secret-app:1.0"] = push_image(host, "private/secret-app", "1.0")
    for n in range(6):
        pushed[f"many/app{n}:1"] = push_image(host, f"many/app{n}", "1")
    return pushed


def check(refs, host, **kw):
    kw.setdefault("cache_path", None)
    kw.setdefault("insecure_registries", {host})
    kw.setdefault("timeout", 10)
    return check_images(refs, **kw)


def deployment(image, strategy=None):
    spec = {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "hello"}},
        "template": {
            "metadata": {"labels": {"app": "hello"}},
            "spec": {"containers": [{"name": "hello", "image": image}]},
        },
    }
    if strategy:
        spec["strategy"] = {"type": strategy}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "hello"}, "spec": spec}


def test_existing_oci_tag_is_found_with_its_digest(registry, images):
    ref = f"{registry.host}/blux2/hello-server:1.2"
    v = check([ref], registry.host)[ref]
    assert v.status == "found"
    assert v.digest == images["blux2/hello-server:1.2"]
    assert v.requests == 1


def test_existing_docker_v2_manifest_is_found(registry, images):
    ref = f"{registry.host}/team/app:2.0"
    v = check([ref], registry.host)[ref]
    assert (v.status, v.digest) == ("found", images["team/app:2.0"])


def test_missing_tag_is_not_found_with_nearest_tags(registry, images):
    ref = f"{registry.host}/blux2/hello-server:1.3"
    v = check([ref], registry.host)[ref]
    assert v.status == "not-found"
    assert v.suggestions == ["1.2", "1.4"]
    assert v.tags == HELLO_TAGS
    assert (
        f"does not exist in {registry.host} (tags there: 1.0, 1.1, 1.2, 1.4, 1.5 — did you mean 1.2 or 1.4?)"
        in v.detail
    )
    assert v.requests == 2  # HEAD manifest + GET tags/list


def test_not_found_becomes_an_error_problem_on_the_image(registry, images):
    ref = f"{registry.host}/blux2/hello-server:1.3"
    verdicts = check([ref], registry.host)
    [p] = registry_problems(deployment(ref), verdicts)
    assert p.rule == "image-not-found"
    assert p.path == ("spec", "template", "spec", "containers", 0, "image")
    assert "did you mean 1.2 or 1.4?" in p.message
    assert "ErrImagePull" in p.message and "rollout will stop after the first surge pod" in p.message
    assert p.fix == f"use an existing tag, e.g. image: {registry.host}/blux2/hello-server:1.2"
    [p] = registry_problems(deployment(ref, "Recreate"), verdicts)
    assert "every old pod is deleted first, so the app goes down" in p.message
    no_surge = deployment(ref)
    no_surge["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0}}
    [p] = registry_problems(no_surge, verdicts)
    assert "with maxSurge 0 an old pod is deleted before each new one starts" in p.message


def test_missing_repository_is_not_found_and_says_so(registry, images):
    ref = f"{registry.host}/nobody/nothing:1.0"
    v = check([ref], registry.host)[ref]
    assert v.status == "not-found"
    assert "there is no repository" in v.detail
    assert v.suggestions == []


def test_digest_reference_found_and_missing_digest_not_found(registry, images):
    digest = images["blux2/hello-server:1.1"]
    good = f"{registry.host}/blux2/hello-server@{digest}"
    bad = f"{registry.host}/blux2/hello-server@sha256:{'0' * 64}"
    verdicts = check([good, bad], registry.host)
    assert (verdicts[good].status, verdicts[good].digest) == ("found", digest)
    assert verdicts[bad].status == "not-found"
    assert verdicts[bad].requests == 1  # no tag list for a digest


def test_second_run_is_answered_from_the_cache_with_zero_requests(registry, images, tmp_path):
    cache = tmp_path / "cache" / "images.sqlite"
    with FrontProxy(registry.host) as proxy:
        refs = [f"{proxy.host}/blux2/hello-server:1.2", f"{proxy.host}/blux2/hello-server:1.3"]
        first = check(refs, proxy.host, cache_path=cache)
        sent = len(proxy.requests)
        assert sent == 3 and sum(v.requests for v in first.values()) == 3
        second = check(refs, proxy.host, cache_path=cache)
        assert len(proxy.requests) == sent  # the registry saw nothing new
        assert [v.requests for v in second.values()] == [0, 0]
        assert [(v.status, v.suggestions, v.digest) for v in second.values()] == [
            (v.status, v.suggestions, v.digest) for v in first.values()
        ]


def test_expired_tags_are_asked_again_but_found_digests_never_expire(registry, images, tmp_path):
    cache = tmp_path / "images.sqlite"
    digest = images["blux2/hello-server:1.0"]
    with FrontProxy(registry.host) as proxy:
        tag_ref = f"{proxy.host}/blux2/hello-server:1.0"
        digest_ref = f"{proxy.host}/blux2/hello-server@{digest}"
        check([tag_ref, digest_ref], proxy.host, cache_path=cache, ttl_seconds=0)
        again = check([tag_ref, digest_ref], proxy.host, cache_path=cache, ttl_seconds=0)
        assert again[tag_ref].requests == 1
        assert again[digest_ref].requests == 0
        assert again[digest_ref].status == "found"


def test_failures_are_not_cached(registry, tmp_path):
    cache = tmp_path / "images.sqlite"
    host = f"127.0.0.1:{free_port()}"
    ref = f"{host}/team/app:2.0"
    assert check([ref], host, cache_path=cache)[ref].status == "unreachable"
    assert check([ref], host, cache_path=cache)[ref].requests == 1


def test_registry_down_is_unreachable_with_a_clear_message(registry):
    host = f"127.0.0.1:{free_port()}"  # nothing listens there
    ref = f"{host}/team/app:2.0"
    v = check([ref], host)[ref]
    assert v.status == "unreachable"
    assert v.detail == f"registry {host} is unreachable: connection refused (nothing is listening there)"
    [p] = registry_problems(deployment(ref), {ref: v})
    assert p.rule == "image-check-failed"
    assert "unreachable" in p.message and host in p.message and "cannot tell whether it exists" in p.message


def test_a_registry_that_never_answers_times_out(registry):
    with SilentServer() as silent:
        ref = f"{silent.host}/team/app:2.0"
        v = check([ref], silent.host, timeout=0.5)[ref]
    assert v.status == "unreachable"
    assert "timed out" in v.detail


def test_a_transient_503_is_retried_once(registry, images):
    with FrontProxy(registry.host, fail_first=1) as proxy:
        ref = f"{proxy.host}/team/app:2.0"
        v = check([ref], proxy.host)[ref]
    assert v.status == "found"
    assert v.requests == 2
    assert [r["method"] for r in proxy.requests] == ["HEAD", "HEAD"]


def test_a_dropped_connection_is_retried_once(registry, images):
    with FrontProxy(registry.host, reset_first=1) as proxy:
        ref = f"{proxy.host}/team/app:2.0"
        v = check([ref], proxy.host)[ref]
    assert (v.status, v.requests) == ("found", 2)


def test_a_connection_dropped_twice_is_unreachable(registry, images):
    with FrontProxy(registry.host, reset_first=5) as proxy:
        ref = f"{proxy.host}/team/app:2.0"
        v = check([ref], proxy.host)[ref]
    assert (v.status, v.requests) == ("unreachable", 2)
    assert "connection was reset" in v.detail


def test_persistent_5xx_is_an_error_not_a_pass(registry, images):
    with FrontProxy(registry.host, fail_first=10) as proxy:
        ref = f"{proxy.host}/team/app:2.0"
        v = check([ref], proxy.host)[ref]
    assert v.status == "error"
    assert "HTTP 503" in v.detail
    assert v.requests == 2  # HEAD, then one retry


def test_anonymous_bearer_token_flow(registry, images):
    with FrontProxy(registry.host, token=True) as proxy:
        found = f"{proxy.host}/blux2/hello-server:1.4"
        missing = f"{proxy.host}/blux2/hello-server:1.3"
        verdicts = check([found, missing], proxy.host, max_workers=1)
    assert verdicts[found].status == "found"
    assert verdicts[found].requests == 3  # 401, token, HEAD
    assert verdicts[missing].status == "not-found"
    assert verdicts[missing].suggestions == ["1.2", "1.4"]
    scopes = [r["path"] for r in proxy.token_requests]
    assert all("scope=repository%3Ablux2%2Fhello-server%3Apull" in s and "service=test-registry" in s for s in scopes)
    assert all(r["authorization"] == "" for r in proxy.token_requests)  # anonymous


def _docker_config(tmp_path, host, user, password):
    path = tmp_path / "config.json"
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    path.write_text(json.dumps({"auths": {f"https://{host}": {"auth": auth}}}))
    return path, auth


def test_docker_config_credentials_are_used_and_never_shown(registry, images, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    password = "s3cret-Pa55word"
    with FrontProxy(registry.host, token=True, credentials=("alice", password)) as proxy:
        config, encoded = _docker_config(tmp_path, proxy.host, "alice", password)
        ok = f"{proxy.host}/private/secret-app:1.0"
        missing = f"{proxy.host}/private/secret-app:9.9"
        verdicts = check([ok, missing], proxy.host, docker_config=config)
        anonymous = check([ok], proxy.host)[ok]
        wrong_config, _ = _docker_config(tmp_path, proxy.host, "alice", "wrong-password")
        wrong = check([ok], proxy.host, docker_config=wrong_config)[ok]
    assert verdicts[ok].status == "found"
    assert verdicts[missing].status == "not-found" and verdicts[missing].suggestions == ["1.0"]
    assert any(r["authorization"] == f"Basic {encoded}" for r in proxy.token_requests)
    assert anonymous.status == "unauthorized" and "anonymous" in anonymous.detail
    assert wrong.status == "unauthorized" and "credentials from the Docker config" in wrong.detail
    problems = [p for v in (anonymous, wrong) for p in registry_problems(deployment(ok), {ok: v})]
    assert {p.rule for p in problems} == {"image-check-failed"}
    shown = " ".join(
        [v.detail for v in (*verdicts.values(), anonymous, wrong)]
        + [p.message + (p.fix or "") for p in problems]
        + [r.getMessage() for r in caplog.records]
    )
    for secret in (password, "wrong-password", encoded):
        assert secret not in shown


def test_mirror_answers_for_docker_hub(registry, images):
    verdicts = check(
        ["alpine:3.19", "docker.io/library/alpine:3.18"],
        registry.host,
        mirrors={"docker.io": registry.host},
    )
    assert verdicts["alpine:3.19"].status == "found"
    assert verdicts["docker.io/library/alpine:3.18"].status == "not-found"
    assert f"docker.io (via mirror {registry.host})" in verdicts["docker.io/library/alpine:3.18"].detail


def test_same_image_written_three_ways_is_asked_once(registry, images):
    with FrontProxy(registry.host) as proxy:
        refs = ["alpine:3.19", "docker.io/library/alpine:3.19", "index.docker.io/library/alpine:3.19", "alpine"]
        verdicts = check(refs, proxy.host, mirrors={"docker.io": proxy.host}, insecure_registries={proxy.host})
    assert list(verdicts) == refs
    assert [verdicts[r].status for r in refs] == ["found", "found", "found", "not-found"]  # alpine = alpine:latest
    paths = [r["path"] for r in proxy.requests]
    assert paths.count("/v2/library/alpine/manifests/3.19") == 1
    assert "/v2/library/alpine/manifests/latest" in paths


def test_many_images_in_parallel(registry, images):
    refs = [f"{registry.host}/many/app{n}:1" for n in range(6)] + [f"{registry.host}/many/app{n}:2" for n in range(6)]
    verdicts = check(refs, registry.host, max_workers=4)
    assert [verdicts[r].status for r in refs] == ["found"] * 6 + ["not-found"] * 6
    assert all(verdicts[r].suggestions == ["1"] for r in refs[6:])


def test_invalid_references_make_no_request(registry):
    v = check(["Blux2/Hello:1.0", "nginx:bad tag"], registry.host)
    assert {x.status for x in v.values()} == {"error"}
    assert {x.requests for x in v.values()} == {0}
    assert registry_problems(deployment("nginx:bad tag"), v) == []  # the static rule reports it


def test_credentials_are_not_sent_to_a_plain_http_realm_on_another_host(registry, images, tmp_path):
    with FrontProxy(registry.host, token=True, credentials=("alice", "pw-1234567")) as proxy:
        other_name = proxy.host.replace("127.0.0.1", "localhost")  # same server, different host as written
        config, _ = _docker_config(tmp_path, other_name, "alice", "pw-1234567")
        ref = f"{other_name}/private/secret-app:1.0"
        v = check([ref], other_name, docker_config=config)[ref]
    assert v.status == "unauthorized" and "anonymous" in v.detail
    assert proxy.token_requests and all(r["authorization"] == "" for r in proxy.token_requests)
