"""NetworkPolicy, evaluated for one connection: may this client reach this pod on this port?

Follows the networking.k8s.io/v1 API (NetworkPolicySpec docs;
pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy):

- a pod selected by no policy of a direction is not isolated in it: allowed;
- policyTypes defaults to [Ingress], plus Egress when ``spec.egress`` has rules;
- an isolated pod takes a connection when *any* rule of *any* policy selecting it
  allows it (policies are additive, never deny); a policy with no rules isolates only;
- a rule without ``from``/``to`` allows every peer, without ``ports`` every port;
- a peer: ``podSelector`` alone = pods of the policy's namespace; ``namespaceSelector``
  alone = every pod of those namespaces; both = those pods in those namespaces;
  ``ipBlock`` = addresses (pod IPs are not known before apply: only a /0 block is
  taken to cover pods; for clients outside the cluster the answer depends on their address);
- a port: number (or ``endPort`` range) or a *named* port, resolved in the destination
  pod's containers; protocol TCP by default.

Namespaces carry ``kubernetes.io/metadata.name`` (set by the API server on every
namespace since 1.21) plus the labels of a Namespace object in the inputs.
Enforcement needs a CNI that implements NetworkPolicy (Calico, Cilium, ...): on
one that does not (flannel alone, kindnet before 1.31...) every policy is ignored.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from .kinds import get, items
from .model import Manifest
from .selectors import label_selector_matches

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


@dataclass(frozen=True)
class Endpoint:
    """One side of a connection: a pod (namespace + labels) or something outside the pod network."""

    namespace: str | None  # None: not a pod (the internet, a node)
    labels: dict | None = field(default_factory=dict)  # None: some pod of the namespace, labels unknown
    what: str = "a pod"
    ports: tuple = ()  # (name, number, protocol) the pod declares: named policy ports resolve against them

    @property
    def is_pod(self) -> bool:
        return self.namespace is not None


@dataclass(frozen=True)
class Decision:
    allowed: bool | None  # None: depends on something the manifests do not say (a client IP)
    policy: Manifest | None = None  # the policy that decides (the isolating one when denied)
    path: tuple = ()
    reason: str = ""


def policy_types(policy: Manifest) -> list:
    """spec.policyTypes, defaulted as the API server does."""
    types = get(policy.obj, "spec", "policyTypes")
    if isinstance(types, list) and types:
        return [t for t in types if isinstance(t, str)]
    egress = get(policy.obj, "spec", "egress")
    return ["Ingress", "Egress"] if isinstance(egress, list) and egress else ["Ingress"]


def namespace_labels(ctx, namespace: str) -> dict:
    labels = {NAMESPACE_NAME_LABEL: namespace}
    for m in ctx.of_kind("Namespace"):
        if m.name == namespace:
            found = get(m.obj, "metadata", "labels")
            if isinstance(found, dict):
                labels.update({k: v for k, v in found.items() if isinstance(v, str)})
            labels[NAMESPACE_NAME_LABEL] = namespace
    return labels


def selecting(ctx, pod: Endpoint, direction: str) -> list:
    """Policies of the pod's namespace that select it and govern ``direction`` (Ingress | Egress)."""
    if not pod.is_pod:
        return []
    found = []
    for policy in ctx.of_kind("NetworkPolicy"):
        if policy.namespace != pod.namespace or direction not in policy_types(policy):
            continue
        selector = get(policy.obj, "spec", "podSelector")
        if selector is None:
            selector = {}
        # Labels unknown: only a policy selecting every pod of the namespace surely selects it.
        if label_selector_matches(selector, pod.labels if pod.labels is not None else {}):
            found.append(policy)
    return found


def _peer_matches(ctx, policy: Manifest, peer: dict, other: Endpoint) -> bool | None:
    if "ipBlock" in peer:
        return _ip_block_matches(peer.get("ipBlock"), other)
    pods, namespaces = peer.get("podSelector"), peer.get("namespaceSelector")
    if other.namespace is None or (pods is None and namespaces is None):  # not a pod (is_pod), or no pod peer
        return False
    if namespaces is None:
        in_namespace = other.namespace == policy.namespace
    else:
        in_namespace = bool(label_selector_matches(namespaces, namespace_labels(ctx, other.namespace)))
    if not in_namespace or pods is None:
        return in_namespace
    if other.labels is None:  # some pod of that namespace: matched only by a selector of every pod
        return True if label_selector_matches(pods, {}) else None
    return bool(label_selector_matches(pods, other.labels))


def _ip_block_matches(block, other: Endpoint) -> bool | None:
    cidr = get(block, "cidr")
    try:
        network = ipaddress.ip_network(cidr, strict=False) if isinstance(cidr, str) else None
    except ValueError:
        return False
    if network is None:
        return False
    if network.prefixlen == 0 and not items(get(block, "except")):
        return True
    # Pod IPs are assigned at run time; an outside client's address is not in the manifests.
    return False if other.is_pod else None


def _port_matches(rule_port: dict, number: int, protocol: str, destination: Endpoint) -> bool:
    if (rule_port.get("protocol") or "TCP") != protocol:
        return False
    port = rule_port.get("port")
    if port is None:
        return True
    if isinstance(port, str) and not port.isdigit():
        return any(name == port and proto == protocol and num == number for name, num, proto in destination.ports)
    port = int(port)
    end = rule_port.get("endPort")
    return port <= number <= (end if isinstance(end, int) else port)


def _rule_allows(ctx, policy, rule, peers_key, other, number, protocol, destination) -> bool | None:
    if not isinstance(rule, dict):
        return False
    ports = rule.get("ports")
    if (
        isinstance(ports, list)
        and ports
        and not any(isinstance(p, dict) and _port_matches(p, number, protocol, destination) for p in ports)
    ):
        return False
    peers = rule.get(peers_key)
    if not isinstance(peers, list) or not peers:
        return True
    verdicts = [_peer_matches(ctx, policy, p, other) for p in peers if isinstance(p, dict)]
    if any(v is True for v in verdicts):
        return True
    return None if any(v is None for v in verdicts) else False


def decide(
    ctx, pod: Endpoint, other: Endpoint, direction: str, number: int, protocol: str, destination: Endpoint
) -> Decision:
    """May ``pod`` take (Ingress) / send (Egress) this connection from / to ``other``?

    ``number``/``protocol``: the destination pod port; ``destination``: the pod that owns it.
    """
    policies = selecting(ctx, pod, direction)
    if not policies:
        return Decision(True, reason=f"no NetworkPolicy selects {pod.what} for {direction.lower()}")
    rules_key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    unknown: tuple[Manifest, tuple] | None = None  # (policy, path of its rule)
    for policy in policies:
        for index, rule in enumerate(items(get(policy.obj, "spec", rules_key))):
            verdict = _rule_allows(ctx, policy, rule, peers_key, other, number, protocol, destination)
            if verdict is True:
                return Decision(True, policy, ("spec", rules_key, index), f"allowed by {policy.ref}")
            if verdict is None and unknown is None:
                unknown = (policy, ("spec", rules_key, index))
    if unknown is not None:
        policy, path = unknown
        return Decision(None, policy, path, f"{policy.ref} allows it only if the client's address is in its ipBlock")
    policy = policies[0]
    path = ("spec", rules_key) if get(policy.obj, "spec", rules_key) else ("spec", "podSelector")
    names = ", ".join(p.name or "?" for p in policies)
    return Decision(
        False,
        policy,
        path,
        f"{names} isolate {pod.what} for {direction.lower()}; no rule allows {other.what} on {protocol} {number}",
    )
