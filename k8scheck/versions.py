"""The newest Kubernetes minor version k8scheck models, written once.

Defaults that name a version (rollout event texts, API lifecycle, schema choice)
read it from here; the bundled schema set agrees with it (tested).
"""

from __future__ import annotations

NEWEST_KUBE_VERSION = "1.37"
NEWEST_KUBE_VERSION_TUPLE = tuple(int(part) for part in NEWEST_KUBE_VERSION.split("."))
