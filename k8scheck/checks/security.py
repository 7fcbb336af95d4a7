"""The security pack (group ``security``, off by default): one walker over every pod
template and container, one small test per rule, facts in ``k8scheck/data/security.yaml``.

A test gets a ``Spot`` (the pod template, one container and where each is written)
and yields ``(path, message)``; the walker turns them into hits. Absent fields are
reported at the container's name (or the pod's spec), present ones at their value.
"""

from __future__ import annotations

import fnmatch
import functools
from pathlib import Path
from typing import NamedTuple

from ..kinds import containers, get
from .hit import hit

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "security.yaml"


@functools.lru_cache(maxsize=1)
def facts() -> dict:
    from ..yamlsource import load_single

    return load_single(DATA_FILE.read_text(encoding="utf-8"))


class Spot(NamedTuple):
    """One container of one pod template."""

    spec: dict  # the pod spec
    spec_path: tuple
    container: dict
    path: tuple  # of the container
    name: str

    def field(self, *keys):
        """(value, path) of a container field."""
        return get(self.container, *keys), self.path + keys

    def pod_field(self, *keys):
        return get(self.spec, *keys), self.spec_path + keys

    @property
    def at_name(self) -> tuple:
        return self.path + ("name",) if "name" in self.container else self.path


def _container_or_pod(spot: Spot, key: str):
    """A securityContext setting: the container's wins over the pod's (value, path, whose)."""
    value, path = spot.field("securityContext", key)
    if value is not None:
        return value, path, "container"
    value, path = spot.pod_field("securityContext", key)
    return value, path, "pod"


def privileged(spot: Spot):
    value, path = spot.field("securityContext", "privileged")
    if value is True:
        yield (
            path,
            (
                f"container {spot.name} runs privileged: it sees every device of the node and may load kernel "
                "modules or mount the host's disks, so whoever controls it controls the node. Remove privileged: true "
                "and add only the capabilities it needs."
            ),
        )


def _unless_set(spot: Spot, key: str, safe: bool, message: str):
    """The finding when securityContext.<key> is not ``safe``: at the field when written, else at the container."""
    value, path = spot.field("securityContext", key)
    if value is not safe:
        yield (path if value is not None else spot.at_name), message


_ESCALATION = (
    "container {} does not set allowPrivilegeEscalation: false, so a process in it may gain more "
    "privileges than its parent (setuid binaries such as sudo, file capabilities: the kernel's no_new_privs "
    "is off). Set securityContext.allowPrivilegeEscalation: false."
)
_WRITABLE_ROOT = (
    "container {} has a writable root filesystem: an attacker can drop tools and change the "
    "application's own files and libraries. Set securityContext.readOnlyRootFilesystem: true and mount an "
    "emptyDir where the app must write."
)


def privilege_escalation(spot: Spot):
    return _unless_set(spot, "allowPrivilegeEscalation", False, _ESCALATION.format(spot.name))


def run_as_non_root(spot: Spot):
    non_root, path, _ = _container_or_pod(spot, "runAsNonRoot")
    user, user_path, _ = _container_or_pod(spot, "runAsUser")
    if non_root is True or (isinstance(user, int) and not isinstance(user, bool) and user > 0):
        return
    if non_root is False:
        where = path
    elif user == 0:
        where = user_path
    else:
        where = spot.at_name
    yield (
        where,
        (
            f"container {spot.name} may run as root (UID 0): nothing sets runAsNonRoot: true or a non-zero runAsUser, "
            "so the image's USER decides; a process that escapes the container is root on the node. Set "
            "securityContext.runAsNonRoot: true (and runAsUser) on the pod or the container."
        ),
    )


def writable_root(spot: Spot):
    return _unless_set(spot, "readOnlyRootFilesystem", True, _WRITABLE_ROOT.format(spot.name))


def capabilities_added(spot: Spot):
    added, path = spot.field("securityContext", "capabilities", "add")
    if not isinstance(added, list):
        return
    for i, cap in enumerate(added):
        if isinstance(cap, str) and cap:
            yield (
                path + (i,),
                (
                    f"container {spot.name} adds the Linux capability {cap}: the kernel lets it do what only "
                    f"root may ({_CAPABILITY_NOTES.get(cap.upper().removeprefix('CAP_'), 'a privileged operation')}). "
                    "Remove it, or keep only what the app provably needs."
                ),
            )


_CAPABILITY_NOTES = {
    "SYS_ADMIN": "mount filesystems, use namespaces: nearly root on the node",
    "NET_ADMIN": "change the node's network configuration and firewall of the pod",
    "NET_RAW": "craft raw packets: spoof addresses, ARP or DNS poisoning",
    "SYS_PTRACE": "read and change other processes' memory",
    "SYS_MODULE": "load kernel modules: root on the node",
    "ALL": "everything root may",
}


def net_raw(spot: Spot):
    dropped, path = spot.field("securityContext", "capabilities", "drop")
    names = (
        {c.upper().removeprefix("CAP_") for c in dropped if isinstance(c, str)} if isinstance(dropped, list) else set()
    )
    if names & {"NET_RAW", "ALL"}:
        return
    where = path if isinstance(dropped, list) else spot.at_name
    yield (
        where,
        (
            f"container {spot.name} keeps the NET_RAW capability (container runtimes grant it by default): a "
            "compromised process can craft raw packets to spoof addresses or poison ARP and DNS on the node's "
            "network. Add securityContext.capabilities.drop: [ALL] (or at least NET_RAW)."
        ),
    )


def secret_env(spot: Spot):
    env, path = spot.field("env")
    if not isinstance(env, list):
        return
    patterns = facts()["secret-env-names"]
    for i, var in enumerate(env):
        name, value = get(var, "name"), get(var, "value")
        if not isinstance(name, str) or not isinstance(value, str) or not value:
            continue
        if any(fnmatch.fnmatchcase(name.upper(), p) for p in patterns):
            yield (
                path + (i, "value"),
                (
                    f"env {name} of container {spot.name} holds a literal value that looks like a "
                    "credential: it is stored in plain text in the manifest, the repository and the "
                    "object, readable by everyone who may read it. Put it in a Secret and use "
                    "valueFrom.secretKeyRef."
                ),
            )


def resources(spot: Spot):
    res, path = spot.field("resources")
    missing = [".".join(keys) for keys in facts()["required-resources"] if get(res, *keys) in (None, "")]
    if not missing:
        return
    where = path if isinstance(res, dict) else spot.at_name
    yield (
        where,
        (
            f"container {spot.name} sets no {', '.join(missing)}: without requests the scheduler packs pods blindly "
            "and they are evicted first under pressure; without a memory limit one leak takes the node's memory "
            "and the kernel's OOM killer picks its victims among other pods. Set resources.requests.cpu, "
            "requests.memory and limits.memory."
        ),
    )


def _host_namespaces(template, spec_path, spec):
    for key, what in (
        (
            "hostNetwork",
            "the node's network: it can bind to its ports and sniff or reach every local service, including the "
            "kubelet",
        ),
        (
            "hostPID",
            "the node's process table: it can see every process's command line and environment and signal them",
        ),
        ("hostIPC", "the node's shared memory and IPC: it can read or corrupt other processes' shared memory"),
    ):
        if spec.get(key) is True:
            yield (
                spec_path + (key,),
                f"{key}: true puts the pod in {what}. Remove it unless this is a node agent that needs it.",
            )


def _sensitive_mounts(template, spec_path, spec):
    volumes = spec.get("volumes")
    if not isinstance(volumes, list):
        return
    sensitive = facts()["sensitive-host-paths"]
    for i, volume in enumerate(volumes):
        path = get(volume, "hostPath", "path")
        if not isinstance(path, str) or not path:
            continue
        clean = "/" + path.strip("/") if path.strip("/") else "/"
        hit_path = next(
            (
                p
                for p in sorted(sensitive, key=len, reverse=True)
                if clean == p or (p != "/" and clean.startswith(p + "/"))
            ),
            None,
        )
        if hit_path is None:
            continue
        yield (
            spec_path + ("volumes", i, "hostPath", "path"),
            (
                f"volume {get(volume, 'name')} mounts the node's {path} ({sensitive[hit_path]}): whoever controls this "
                "pod "
                "can read or change it, which is root on the node. Use a ConfigMap, Secret, emptyDir or a CSI volume "
                "instead."
            ),
        )


CONTAINER_TESTS = {
    "privileged-container": privileged,
    "privilege-escalation-allowed": privilege_escalation,
    "run-as-non-root-unset": run_as_non_root,
    "writable-root-filesystem": writable_root,
    "capability-added": capabilities_added,
    "net-raw-not-dropped": net_raw,
    "secret-in-env": secret_env,
    "resources-missing": resources,
}
POD_TESTS = {
    "host-namespace-shared": _host_namespaces,
    "sensitive-host-mount": _sensitive_mounts,
}


def security_check(ctx, rule):
    """The template every security rule instantiates."""
    container_test = CONTAINER_TESTS.get(rule.slug)
    pod_test = POD_TESTS.get(rule.slug)
    for m in ctx.subjects:
        template = m.template
        if template is None:
            continue
        spec_path, spec = template.spec_path, template.spec
        if pod_test is not None:
            for path, message in pod_test(template, spec_path, spec):
                yield hit(m, rule.slug, path, message)
            continue
        for list_name, index, container in containers(spec, ("initContainers", "containers")):
            name = container.get("name") if isinstance(container.get("name"), str) else f"{list_name}[{index}]"
            spot = Spot(spec, spec_path, container, spec_path + (list_name, index), name)
            for path, message in container_test(spot):
                yield hit(m, rule.slug, path, message)
