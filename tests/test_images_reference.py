"""The reference grammar and the three static rules."""

from __future__ import annotations

import pytest

from k8scheck.images import Reference, ReferenceError, image_problems, parse_reference
from k8scheck.images.rules import container_images, image_references

D64 = "0123456789abcdef" * 4


@pytest.mark.parametrize(
    "written, registry, repository, tag, digest",
    [
        ("nginx", "docker.io", "library/nginx", None, None),
        ("nginx:1.25.3", "docker.io", "library/nginx", "1.25.3", None),
        ("blux2/hello-server:1.3", "docker.io", "blux2/hello-server", "1.3", None),
        ("docker.io/nginx", "docker.io", "library/nginx", None, None),
        ("index.docker.io/library/nginx:1", "docker.io", "library/nginx", "1", None),
        ("docker.io/blux2/hello-server:1.2", "docker.io", "blux2/hello-server", "1.2", None),
        ("localhost/app", "localhost", "app", None, None),
        ("localhost:5000/team/app:v1", "localhost:5000", "team/app", "v1", None),
        ("localhost:5000", "docker.io", "library/localhost", "5000", None),  # no '/': a name with a tag
        ("registry.example.com:5000/a/b/c/d:1.0-rc.1", "registry.example.com:5000", "a/b/c/d", "1.0-rc.1", None),
        ("quay.io/org/app@sha256:" + D64, "quay.io", "org/app", None, "sha256:" + D64),
        ("nginx:1.25@sha256:" + D64, "docker.io", "library/nginx", "1.25", "sha256:" + D64),
        ("nginx@sha512:" + "ab" * 64, "docker.io", "library/nginx", None, "sha512:" + "ab" * 64),
        ("[::1]:5000/app:1", "[::1]:5000", "app", "1", None),
        ("10.0.0.1:5000/app", "10.0.0.1:5000", "app", None, None),
        ("a.b/c__d/e-f---g/h.i_j:_x", "a.b", "c__d/e-f---g/h.i_j", "_x", None),
        ("nginx:" + "x" * 128, "docker.io", "library/nginx", "x" * 128, None),
        ("MyHost/app:1", "MyHost", "app", "1", None),  # an uppercase first segment is a host to the real parser
    ],
)
def test_valid_references_normalize(written, registry, repository, tag, digest):
    ref = parse_reference(written)
    assert isinstance(ref, Reference), ref
    assert (ref.registry, ref.repository, ref.tag, ref.digest, ref.familiar) == (
        registry,
        repository,
        tag,
        digest,
        written,
    )


@pytest.mark.parametrize(
    "written, part, says",
    [
        ("", "empty", "empty"),
        ("Nginx:1.0", "repository", "must be lowercase"),
        ("docker.io/Blux2/hello-server:1.3", "repository", "must be lowercase"),
        ("blux2/Hello-Server:1.2", "repository", "must be lowercase"),
        ("nginx:1.25+patch", "tag", "'+'"),
        ("nginx:-rc", "tag", "must start with"),
        ("nginx:.hidden", "tag", "must start with"),
        ("nginx:" + "x" * 129, "tag", "129 characters"),
        ("nginx:", "tag", "empty"),
        ("nginx:ver/sion", "registry", "not a number"),  # a '/' after ':' makes "nginx:ver" a host
        ("nginx@sha256:1234abcd", "digest", "at least 32 hex"),
        ("nginx@sha256:" + "0" * 63, "digest", "exactly 64"),
        ("nginx@sha256:" + "A" * 64, "digest", "uppercase"),
        ("nginx@md5:" + "0" * 32, "digest", "not supported"),
        ("nginx@" + D64, "digest", "algorithm:hex"),
        ("nginx@sha256:" + D64 + "@sha256:" + D64, "digest", "more than one"),
        ("registry.example.com:https/app:1", "registry", "not a number"),
        ("-bad.example.com/app", "registry", "invalid part"),
        ("[::1/app", "registry", "IPv6"),
        ("a//b", "repository", "empty path segment"),
        ("team/app-/x", "repository", "start and end"),
        ("team/a..b", "repository", "start and end"),
        ("team/a$b:1", "repository", "'$'"),
        (" nginx:1.0", "whitespace", "leading or trailing"),
        ("nginx :1.0", "whitespace", "whitespace"),
        (D64, "repository", "image ID"),
        ("a/" + "b" * 260, "length", "255"),
        ("localhost:5000/", "repository", "no repository path"),
        ("registry.example.com/", "repository", "no repository path"),
    ],
)
def test_invalid_references_name_the_part(written, part, says):
    err = parse_reference(written)
    assert isinstance(err, ReferenceError)
    assert not err
    assert err.familiar == written
    assert err.part == part
    assert says in err.reason


def test_non_strings_are_errors_not_exceptions():
    for value in (None, 5, 1.0, ["nginx"], {"a": 1}):
        assert isinstance(parse_reference(value), ReferenceError)


def test_canonical_and_short_names():
    ref = parse_reference("nginx")
    assert (ref.canonical, ref.short_name, ref.effective_tag) == ("docker.io/library/nginx:latest", "nginx", "latest")
    ref = parse_reference("ghcr.io/org/app@sha256:" + D64)
    assert ref.canonical == "ghcr.io/org/app@sha256:" + D64
    assert ref.short_name == "ghcr.io/org/app"


# --------------------------------------------------------------------------- rules


def pod(*containers, init=(), ephemeral=()):
    spec = {"containers": list(containers)}
    if init:
        spec["initContainers"] = list(init)
    if ephemeral:
        spec["ephemeralContainers"] = list(ephemeral)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}


def workload(kind, *containers):
    template = {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": list(containers)}}
    if kind == "CronJob":
        return {"kind": kind, "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": template}}}}
    return {"kind": kind, "spec": {"template": template}}


def c(image, name="app", **extra):
    return {"name": name, "image": image, **extra}


def rules_of(obj):
    return [(p.rule, p.path) for p in image_problems(obj)]


@pytest.mark.parametrize(
    "kind, prefix",
    [
        ("Deployment", ("spec", "template", "spec")),
        ("ReplicaSet", ("spec", "template", "spec")),
        ("ReplicationController", ("spec", "template", "spec")),
        ("StatefulSet", ("spec", "template", "spec")),
        ("DaemonSet", ("spec", "template", "spec")),
        ("Job", ("spec", "template", "spec")),
        ("CronJob", ("spec", "jobTemplate", "spec", "template", "spec")),
    ],
)
def test_every_workload_kind_is_checked_at_the_image_path(kind, prefix):
    obj = workload(kind, c("gihyodocker/echo:1.0"), c("gihyodocker/echo", "second"))
    assert rules_of(obj) == [("image-tag-missing", prefix + ("containers", 1, "image"))]


def test_init_and_ephemeral_containers_are_checked():
    obj = pod(c("nginx:1.25"), init=[c("busybox:latest", "init")], ephemeral=[c("Debug:1", "debug")])
    assert rules_of(obj) == [
        ("image-tag-latest", ("spec", "initContainers", 0, "image")),
        ("image-reference-invalid", ("spec", "ephemeralContainers", 0, "image")),
    ]


def test_tag_missing_message_states_the_consequence():
    [p] = image_problems(workload("Deployment", c("gihyodocker/echo", "echo")))
    assert p.rule == "image-tag-missing"
    assert (
        "gihyodocker/echo has no tag, so Kubernetes pulls :latest — the version running will change "
        "without any manifest change" in p.message
    )
    assert "imagePullPolicy defaults to Always" in p.message
    assert "container 'echo'" in p.message
    # Advice is prose, so it is in the message; fix is replacement text, and no version is known.
    assert "Pin a version: gihyodocker/echo:<version>" in p.message and p.fix is None


def test_latest_with_if_not_present_explains_node_drift():
    [p] = image_problems(pod(c("nginx:latest", imagePullPolicy="IfNotPresent")))
    assert p.rule == "image-tag-latest"
    assert "different nodes can run different versions" in p.message
    assert p.message.endswith("Pin a version: nginx:<version>") and p.fix is None


def test_digest_pinned_references_get_no_tag_warnings():
    assert image_problems(pod(c("nginx@sha256:" + D64), c("nginx:latest@sha256:" + D64, "b"))) == []


def test_pinned_and_tagged_images_are_silent():
    assert image_problems(pod(c("nginx:1.25.3"), c("registry.example.com:5000/team/app:v2", "b"))) == []


def test_invalid_reference_message_says_which_part_and_what_the_kubelet_does():
    [p] = image_problems(workload("Deployment", c("blux2/Hello-Server:1.2", "hello")))
    assert p.rule == "image-reference-invalid"
    assert "must be lowercase" in p.message and "InvalidImageName" in p.message
    assert "Fix: use lowercase letters" in p.message and p.fix is None
    [p] = image_problems(pod(c("nginx:1.0 ")))
    assert "API server rejects" in p.message


def test_missing_empty_and_non_string_images_are_left_to_other_rules():
    obj = pod({"name": "a"}, {"name": "b", "image": ""}, {"name": "c", "image": None}, {"name": "d", "image": 5})
    assert image_problems(obj) == []


@pytest.mark.parametrize(
    "obj",
    [
        None,
        "text",
        [],
        {},
        {"kind": "Pod"},
        {"kind": "Pod", "spec": None},
        {"kind": "Pod", "spec": {"containers": "nginx"}},
        {"kind": "Pod", "spec": {"containers": [None, "x", 3, {"image": ["a"]}]}},
        {"kind": "Deployment", "spec": {"template": []}},
        {"kind": "CronJob", "spec": {"jobTemplate": {"spec": None}}},
        {"kind": ["Pod"], "spec": {}},
        {"kind": "Service", "spec": {"containers": [{"image": "Bad"}]}},
    ],
)
def test_malformed_objects_never_raise(obj):
    assert image_problems(obj) == []


def test_image_references_collects_distinct_images_in_order():
    objs = [pod(c("a:1"), c("b:1", "b")), workload("Job", c("a:1")), None, {"kind": "Pod"}]
    assert image_references(objs) == ["a:1", "b:1"]
    assert image_references(None) == []
    assert [path for path, _, _ in container_images(pod(c("a:1")))] == [("spec", "containers", 0, "image")]


# --------------------------------------------------------------------------- properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

REF_ALPHABET = st.sampled_from(list("abcAB019:/@._-+ $[]") + ["sha256:", "localhost", "docker.io/"])
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["kind", "spec", "template", "jobTemplate", "containers", "initContainers", "image", "name", "Pod"]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(REF_ALPHABET, max_size=12).map("".join))
def test_parse_never_raises_and_canonical_form_reparses_the_same(text):
    ref = parse_reference(text)
    if isinstance(ref, Reference):
        again = parse_reference(ref.canonical)
        assert isinstance(again, Reference)
        assert (again.registry, again.repository, again.digest) == (ref.registry, ref.repository, ref.digest)
        assert again.effective_tag == ref.effective_tag
    else:
        assert ref.reason and ref.part


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["Pod", "Deployment", "CronJob", "Job"]), json_like)
def test_image_problems_never_raise_on_arbitrary_objects(kind, spec):
    for obj in ({"kind": kind, "spec": spec}, {"kind": kind, "spec": {"template": {"spec": spec}}}, spec):
        for p in image_problems(obj):
            assert p.path[-1] == "image"
