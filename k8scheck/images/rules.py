"""Image rules over one object: static (offline) and registry-backed.

``image_problems(obj)``                -> image-reference-invalid, image-tag-missing, image-tag-latest
``registry_problems(obj, verdicts)``   -> image-not-found, image-check-failed

Both take a plain JSON-like object (possibly malformed), never raise, and
return ``Problem``s whose path points at the container's ``image`` value.
A missing or empty ``image`` is left to the schema/required-field rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..kinds import containers, pod_template
from ..problem import Problem
from .reference import Reference, parse_reference

# Images a build tool replaces before anything reaches the cluster: ko's import paths (`ko apply`, `ko resolve`).
BUILT_BY_A_TOOL = ("ko://",)


def container_images(obj: object) -> Iterator[tuple[tuple, str, Mapping]]:
    """Yield ``(path_to_image, image, container)`` for every non-empty string image in ``obj``
    (but those a build tool replaces, ``BUILT_BY_A_TOOL``)."""
    template = pod_template(obj) if isinstance(obj, dict) else None
    if template is None:
        return
    for list_name, index, container in containers(template.spec):
        image = container.get("image")
        if isinstance(image, str) and image and not image.startswith(BUILT_BY_A_TOOL):
            yield template.spec_path + (list_name, index, "image"), image, container


def image_references(objects: object) -> list[str]:
    """Every distinct image string in an iterable of objects, in first-seen order (input for ``check_images``)."""
    seen: dict[str, None] = {}
    try:
        iterator = iter(objects)  # type: ignore[call-overload]
    except TypeError:
        return []
    for obj in iterator:
        for _, image, _ in container_images(obj):
            seen.setdefault(image, None)
    return list(seen)


def _container_label(container: Mapping, path: tuple) -> str:
    name = container.get("name")
    kind = {"initContainers": "init container", "ephemeralContainers": "ephemeral container"}.get(path[-3], "container")
    return f"{kind} {name!r}" if isinstance(name, str) and name else f"{kind} #{path[-2]}"


def _pull_policy_consequence(container: Mapping) -> str:
    policy = container.get("imagePullPolicy")
    if policy == "IfNotPresent":
        return (
            "imagePullPolicy IfNotPresent keeps whatever :latest each node pulled first, "
            "so different nodes can run different versions"
        )
    if policy == "Never":
        return "imagePullPolicy Never runs whatever :latest happens to be on each node, or fails with ErrImageNeverPull"
    return (
        "imagePullPolicy defaults to Always for :latest, so every pod start pulls again "
        "and a restart can silently pick up a new image"
    )


def image_problems(obj: object) -> list[Problem]:
    """Static image findings for one object (offline; never raises)."""
    problems: list[Problem] = []
    try:
        found = list(container_images(obj))
    except Exception:  # pragma: no cover - defensive: malformed input must never crash the run
        return problems
    for path, image, container in found:
        who = _container_label(container, path)
        ref = parse_reference(image)
        if not isinstance(ref, Reference):
            where = (
                "the API server rejects the object"
                if ref.part == "whitespace"
                else "the kubelet rejects it and the pod sits in InvalidImageName"
            )
            problems.append(
                Problem(
                    rule="image-reference-invalid",
                    path=path,
                    message=f"{who}: image {image!r} is not a valid reference: {ref.reason}; {where}. Fix: "
                    f"{_invalid_fix(ref.part)}",
                )
            )
            continue
        if ref.digest is not None:
            continue  # pinned by content: the tag (if any) is ignored by the runtime
        consequence = _pull_policy_consequence(container)
        if ref.tag is None:
            problems.append(
                Problem(
                    rule="image-tag-missing",
                    path=path,
                    message=(
                        f"{who}: {image} has no tag, so Kubernetes pulls :latest — the version running "
                        f"will change without any manifest change; {consequence}. Pin a version: {image}:<version> "
                        f"(or {image}@sha256:<digest>)"
                    ),
                )
            )
        elif ref.tag == "latest":
            problems.append(
                Problem(
                    rule="image-tag-latest",
                    path=path,
                    message=(
                        f"{who}: {image} uses :latest — the version running will change without any "
                        f"manifest change, and a rollback cannot bring the old version back; {consequence}. Pin a "
                        f"version: {image[: -len(':latest')]}:<version>"
                    ),
                )
            )
    return problems


def _invalid_fix(part: str) -> str:
    return {
        "repository": "use lowercase letters, digits and single '.', '_', '__' or '-' between them in the repository",
        "tag": "a tag is 1-128 of letters, digits, '_', '.', '-' and does not start with '.' or '-'",
        "digest": "write the digest as sha256:<64 lowercase hex digits>",
        "registry": "write the registry as host[:port], e.g. registry.example.com:5000",
        "whitespace": "remove the spaces from the image",
        "length": "shorten the repository path",
    }.get(part, "write the image as [registry/]repository[:tag][@digest]")


# --------------------------------------------------------------------------- registry-backed


def _mapping(value: object) -> Mapping:
    """``value`` if it is a mapping, else an empty one (manifests may hold anything)."""
    return value if isinstance(value, Mapping) else {}


def _rollout_consequence(obj: Mapping, path: tuple) -> str:
    kind = obj.get("kind")
    spec = _mapping(obj.get("spec"))
    pulls = "new pods will fail with ErrImagePull (then ImagePullBackOff)"
    if kind == "Deployment":
        strategy = _mapping(spec.get("strategy"))
        if strategy.get("type") == "Recreate":
            return f"{pulls}, and with strategy Recreate every old pod is deleted first, so the app goes down"
        rolling = _mapping(strategy.get("rollingUpdate"))
        if rolling.get("maxSurge") in (0, "0", "0%"):
            return (
                f"{pulls}; with maxSurge 0 an old pod is deleted before each new one starts, "
                "so capacity drops (with 1 replica the app goes down)"
            )
        return f"{pulls} and the rollout will stop after the first surge pod"
    if kind == "StatefulSet":
        return f"{pulls}; the rolling update replaces the highest ordinal first and then stops, leaving it down"
    if kind == "DaemonSet":
        return (
            f"{pulls}; the rolling update deletes the old pod on a node before starting the new one, so that node "
            "loses it"
        )
    if kind == "Job":
        return f"{pulls} and the job never starts"
    if kind == "CronJob":
        return f"{pulls}; every scheduled run will hang pulling"
    if kind == "Pod":
        return "the pod will fail with ErrImagePull (then ImagePullBackOff) and never start"
    return pulls


def registry_problems(obj: object, verdicts: Mapping[str, object]) -> list[Problem]:
    """Findings from ``check_images`` verdicts for the images of one object (never raises).

    ``verdicts`` maps the image string as written to an ``ImageVerdict``;
    images without a verdict, with an invalid reference (the static rule
    reports those) or found are silent.
    """
    problems: list[Problem] = []
    if not isinstance(obj, Mapping) or not isinstance(verdicts, Mapping):
        return problems
    for path, image, container in container_images(obj):
        verdict = verdicts.get(image)
        status = getattr(verdict, "status", None)
        if status is None or status == "found":
            continue
        ref = parse_reference(image)
        if not isinstance(ref, Reference):
            continue
        who = _container_label(container, path)
        detail = getattr(verdict, "detail", "") or ""
        if status == "not-found":
            suggestions = list(getattr(verdict, "suggestions", []) or [])
            fix = None
            if suggestions:
                base = image.split("@", 1)[0]
                if ref.tag is not None:
                    base = base[: -(len(ref.tag) + 1)]
                fix = f"use an existing tag, e.g. image: {base}:{suggestions[0]}"
            problems.append(
                Problem(
                    rule="image-not-found",
                    path=path,
                    message=f"{who}: {detail}; {_rollout_consequence(obj, path)}",
                    fix=fix,
                )
            )
        else:
            problems.append(
                Problem(
                    rule="image-check-failed",
                    path=path,
                    message=f"{who}: could not check {image}: {detail} — k8scheck cannot tell whether it exists; "
                    f"{_check_failed_fix(status, ref, detail)}",
                )
            )
    return problems


def _check_failed_fix(status: str, ref: Reference, detail: str = "") -> str:
    if "image catalog" in detail:
        return f"add {ref.short_name} and its tags to the image catalog, if it is an image you mean to use"
    if status == "unauthorized":
        return (
            f"log in to {ref.registry} (docker login) so k8scheck can read it, and make sure the pod "
            "has an imagePullSecret for it"
        )
    if status == "unreachable":
        return f"check network access to {ref.registry}, or pass --image-catalog for offline runs"
    return "see the detail above; --image-catalog can answer for registries k8scheck cannot reach"
