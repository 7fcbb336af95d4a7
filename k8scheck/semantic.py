"""What the API server rejects that the JSON schemas do not say.

The OpenAPI schemas only know types ("a string", "an integer"); the API
server's validation (kubernetes/kubernetes pkg/apis/core/validation,
pkg/apis/apps/validation, apimachinery pkg/util/validation and
pkg/api/resource/quantity.go) adds syntax, ranges and cross-field rules.
``check(obj)`` reproduces the ones beginners hit, each as a ``Problem``
whose message carries the API server's own wording where it helps, so the
user recognises what ``kubectl apply`` would have printed.

Rule slugs (each ``rules/<slug>.yaml`` says ``stage: semantic``; severities live there too):

=======================  ==================================================
invalid-name             metadata.name / metadata.namespace syntax per kind
                         (and the 52-character CronJob, 63-character Job
                         name limits); container names (DNS-1123 labels,
                         unique within the pod)
invalid-label            label keys and values: metadata.labels, pod
                         template labels, selectors (matchLabels,
                         matchExpressions keys, Service/RC selector maps)
invalid-annotation       annotation keys, total annotation size (256 KiB)
invalid-port             port numbers 1-65535 (containerPort, hostPort,
                         Service port and numeric targetPort), nodePort
                         outside the default range 30000-32767, a Service
                         port or nodePort used twice with one protocol
invalid-port-name        IANA_SVC_NAME syntax of container port names and
                         named targetPorts, DNS-1123 label syntax of
                         Service port names, duplicate names in a container
                         or Service, missing names on multi-port Services
rolling-update-invalid   Deployment strategy.rollingUpdate: maxSurge and
                         maxUnavailable both 0, bad int-or-percent, above
                         100%, rollingUpdate with type Recreate; DaemonSet
                         updateStrategy.rollingUpdate: not exactly one of
                         maxSurge/maxUnavailable non-zero, above 100%
invalid-quantity         resource quantities that do not parse ("100MB")
requests-exceed-limits   a container's request above its limit (or, for
                         extended resources and hugepages, different)
=======================  ==================================================

Objects arrive as plain decoded YAML and may be malformed anywhere: nothing
here raises on wrong types; what cannot be interpreted is skipped (a type
error is the schema stage's finding).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from fractions import Fraction
from typing import Any, Literal

from k8scheck.kinds import get, pod_template_path
from k8scheck.problem import Problem, dotted

# --------------------------------------------------------------------------
# apimachinery/pkg/util/validation/validation.go
# --------------------------------------------------------------------------

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
DNS1035_LABEL_MAX = 63
QUALIFIED_NAME_MAX = 63
LABEL_VALUE_MAX = 63
TOTAL_ANNOTATION_SIZE = 256 * 1024  # apimachinery TotalAnnotationSizeLimitB
CRONJOB_NAME_MAX = 52  # 63 minus the 11 characters of the Job suffix
PORT_NAME_MAX = 15
NODE_PORT_RANGE = (30000, 32767)  # kube-apiserver --service-node-port-range default

_DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_RE = re.compile(rf"^{_DNS1123_LABEL}$")
_DNS1123_SUBDOMAIN_RE = re.compile(rf"^{_DNS1123_LABEL}(\.{_DNS1123_LABEL})*$")
_DNS1035_LABEL_RE = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_QUALIFIED_NAME_RE = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE_RE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_PORT_NAME_CHARSET_RE = re.compile(r"^[-a-z0-9]+$")
_PORT_NAME_ONE_LETTER_RE = re.compile(r"[a-z]")
_PERCENT_RE = re.compile(r"^[0-9]+%$")

MSG_DNS1123_LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
    "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
MSG_DNS1123_SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
MSG_DNS1035_LABEL = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
    "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
MSG_QUALIFIED_NAME_PART = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
MSG_QUALIFIED_NAME = (
    "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix "
    "and '/' (e.g. 'example.com/MyName')"
)
MSG_LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
    "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
MSG_PORT_RANGE = "must be between 1 and 65535, inclusive"


def _max_len(n: int) -> str:
    return f"must be no more than {n} characters"


def dns1123_label_errors(value: str) -> list[str]:
    errs = []
    if len(value) > DNS1123_LABEL_MAX:
        errs.append(_max_len(DNS1123_LABEL_MAX))
    if not _DNS1123_LABEL_RE.match(value):
        errs.append(MSG_DNS1123_LABEL)
    return errs


def dns1123_subdomain_errors(value: str) -> list[str]:
    errs = []
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        errs.append(_max_len(DNS1123_SUBDOMAIN_MAX))
    if not _DNS1123_SUBDOMAIN_RE.match(value):
        errs.append(MSG_DNS1123_SUBDOMAIN)
    return errs


def dns1035_label_errors(value: str) -> list[str]:
    errs = []
    if len(value) > DNS1035_LABEL_MAX:
        errs.append(_max_len(DNS1035_LABEL_MAX))
    if not _DNS1035_LABEL_RE.match(value):
        errs.append(MSG_DNS1035_LABEL)
    return errs


def path_segment_errors(value: str) -> list[str]:
    """apimachinery api/validation/path IsValidPathSegmentName (RBAC names)."""
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in value]


def qualified_name_errors(value: str) -> list[str]:
    """IsQualifiedName: ``[prefix/]name``; prefix a DNS subdomain, name <= 63."""
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
        errs: list[str] = []
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs = ["prefix part must be non-empty"]
        else:
            errs = [f"prefix part {m}" for m in dns1123_subdomain_errors(prefix)]
    else:
        return [MSG_QUALIFIED_NAME]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > QUALIFIED_NAME_MAX:
        errs.append(f"name part {_max_len(QUALIFIED_NAME_MAX)}")
    if name and not _QUALIFIED_NAME_RE.match(name):
        errs.append(MSG_QUALIFIED_NAME_PART)
    return errs


def label_value_errors(value: str) -> list[str]:
    errs = []
    if len(value) > LABEL_VALUE_MAX:
        errs.append(_max_len(LABEL_VALUE_MAX))
    if not _LABEL_VALUE_RE.match(value):
        errs.append(MSG_LABEL_VALUE)
    return errs


def port_name_errors(value: str) -> list[str]:
    """IsValidPortName (IANA_SVC_NAME, RFC 6335 section 5.1)."""
    errs = []
    if len(value) > PORT_NAME_MAX:
        errs.append(_max_len(PORT_NAME_MAX))
    if not _PORT_NAME_CHARSET_RE.match(value):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _PORT_NAME_ONE_LETTER_RE.search(value):
        errs.append("must contain at least one letter (a-z)")
    if "--" in value:
        errs.append("must not contain consecutive hyphens")
    if value.startswith("-") or value.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


# --------------------------------------------------------------------------
# apimachinery/pkg/api/resource/quantity.go
# --------------------------------------------------------------------------

QUANTITY_REGEX = r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
_QUANTITY_RE = re.compile(r"^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$")
_BINARY_SUFFIXES = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL_SUFFIXES = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}
_EXPONENT_RE = re.compile(r"^[eE]([-+]?[0-9]+)$")
MSG_QUANTITY = f"quantities must match the regular expression '{QUANTITY_REGEX}'"


def quantity_text(value: Any) -> str | None:
    """The text Kubernetes would parse for a YAML scalar, or None (not a scalar)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # 0.5 -> "0.5", 1e3 -> "1000.0"; nan/inf give "nan"/"inf", which do not parse
        return repr(value)
    if isinstance(value, str):
        return value
    return None


def parse_quantity(value: Any) -> Fraction | None:
    """The exact value of a Kubernetes quantity, or ``None`` if it does not parse.

    Accepts what ``resource.ParseQuantity`` accepts: an optionally signed
    decimal number followed by one binary suffix (Ki..Ei), one decimal
    suffix (n, u, m, k, M, G, T, P, E) or a decimal exponent (e3, E-2).
    """
    text = quantity_text(value)
    if text is None or not text:
        return None
    m = _QUANTITY_RE.match(text)
    if not m:
        return None
    sign, whole, frac, suffix = m.groups()
    frac = frac or ""
    if not whole and not frac:
        return None
    number = Fraction(int(whole or "0")) + (Fraction(int(frac), 10 ** len(frac)) if frac else 0)
    if sign == "-":
        number = -number
    if suffix in _BINARY_SUFFIXES:
        return number * _BINARY_SUFFIXES[suffix]
    if suffix in _DECIMAL_SUFFIXES:
        return number * _DECIMAL_SUFFIXES[suffix]
    e = _EXPONENT_RE.match(suffix)
    if e:
        exp = int(e.group(1))
        if abs(exp) > 400:  # beyond anything Kubernetes can represent
            return None
        return number * Fraction(10) ** exp
    return None


def quantity_suggestion(text: str) -> str | None:
    """A likely meant spelling for a quantity that does not parse.

    ``100MB`` -> ``100M or 100Mi``; ``2GiB``/``2gi`` -> ``2Gi``; ``100 Mi`` -> ``100Mi``.
    """
    t = text.strip().replace(" ", "")
    if t != text and parse_quantity(t) is not None:
        return t
    m = re.match(r"^([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))([A-Za-z]+)$", t)
    if not m:
        return None
    num, unit = m.groups()
    u = unit[:-1] if len(unit) > 1 and unit[-1] in "Bb" else unit
    if len(u) == 2 and u[1] in "iI":
        cand = u[0].upper() + "i"
        if cand in _BINARY_SUFFIXES:
            return f"{num}{cand}"
    if len(u) == 1 and u.upper() in "KMGTPE":
        dec = "k" if u.upper() == "K" else u.upper()
        return f"{num}{dec} or {num}{u.upper()}i"
    return None


def format_quantity(value: Any) -> str:
    text = quantity_text(value)
    return text if text is not None else json.dumps(value, default=str)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _show(value: Any) -> str:
    """A value the way the API server prints it in ``Invalid value: ...``."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, default=str, ensure_ascii=False)


def _invalid(
    rule: str, path: tuple, value: Any, detail: str, at: Literal["key", "value"] = "value", fix: str | None = None
) -> Problem:
    return Problem(rule, path, f"{dotted(path)}: Invalid value: {_show(value)}: {detail}", at=at, fix=fix)


def _int(value: Any) -> int | None:
    """A YAML integer (not a bool); floats with an integral value count."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

_DNS1035_KINDS = {"Service"}
_DNS1123_LABEL_KINDS = {"Namespace"}
_PATH_SEGMENT_KINDS = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}


def _check_name(obj: dict, kind: str) -> Iterator[Problem]:
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return
    name = meta.get("name")
    if isinstance(name, str) and name:
        path = ("metadata", "name")
        if kind in _DNS1035_KINDS:
            errs = dns1035_label_errors(name)
        elif kind in _DNS1123_LABEL_KINDS:
            errs = dns1123_label_errors(name)
        elif kind in _PATH_SEGMENT_KINDS:
            errs = path_segment_errors(name)
        else:
            errs = dns1123_subdomain_errors(name)
            if kind == "CronJob" and len(name) > CRONJOB_NAME_MAX:
                errs.insert(0, _max_len(CRONJOB_NAME_MAX))
            elif kind == "Job" and len(name) > LABEL_VALUE_MAX and get(obj, "spec", "manualSelector") is not True:
                errs.insert(
                    0,
                    f"{_max_len(LABEL_VALUE_MAX)} (the API server copies a Job's name into the "
                    "pod template label batch.kubernetes.io/job-name, and label values are "
                    f"limited to {LABEL_VALUE_MAX} characters)",
                )
        if errs:
            fixed = _name_fix(name, kind)
            yield _invalid("invalid-name", path, name, "; ".join(errs), fix=fixed)
    ns = meta.get("namespace")
    if isinstance(ns, str) and ns:
        errs = dns1123_label_errors(ns)
        if errs:
            yield _invalid("invalid-name", ("metadata", "namespace"), ns, "; ".join(errs))


def _name_fix(name: str, kind: str) -> str | None:
    if kind in _PATH_SEGMENT_KINDS:
        return None
    cand = re.sub(r"[^a-z0-9.-]+", "-", name.lower())
    if kind in _DNS1035_KINDS or kind in _DNS1123_LABEL_KINDS:
        cand = cand.replace(".", "-")[:63]
    cand = re.sub(r"-{2,}", "-", cand).strip("-.")
    if kind in _DNS1035_KINDS:
        cand = cand.lstrip("0123456789-")
    if kind == "CronJob":
        cand = cand[:CRONJOB_NAME_MAX].strip("-.")
    if kind == "Job":
        cand = cand[:LABEL_VALUE_MAX].strip("-.")
    cand = cand[:253].strip("-.")
    return cand or None


# --------------------------------------------------------------------------
# Labels, selectors, annotations
# --------------------------------------------------------------------------


def _check_label_map(labels: Any, base: tuple) -> Iterator[Problem]:
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        if not isinstance(key, str):
            continue
        key_errs = qualified_name_errors(key)
        if key_errs:
            yield _invalid("invalid-label", base + (key,), key, "; ".join(key_errs), at="key")
        if isinstance(value, str):
            val_errs = label_value_errors(value)
            if val_errs:
                yield _invalid("invalid-label", base + (key,), value, "; ".join(val_errs))


def _check_label_selector(sel: Any, base: tuple) -> Iterator[Problem]:
    """A metav1.LabelSelector (matchLabels + matchExpressions)."""
    if not isinstance(sel, dict):
        return
    yield from _check_label_map(sel.get("matchLabels"), base + ("matchLabels",))
    exprs = sel.get("matchExpressions")
    if isinstance(exprs, list):
        for i, expr in enumerate(exprs):
            if not isinstance(expr, dict):
                continue
            key = expr.get("key")
            if isinstance(key, str):
                errs = qualified_name_errors(key)
                if errs:
                    yield _invalid("invalid-label", base + ("matchExpressions", i, "key"), key, "; ".join(errs))
            values = expr.get("values")
            if isinstance(values, list) and expr.get("operator") in ("In", "NotIn"):
                for j, v in enumerate(values):
                    if isinstance(v, str):
                        errs = label_value_errors(v)
                        if errs:
                            yield _invalid(
                                "invalid-label", base + ("matchExpressions", i, "values", j), v, "; ".join(errs)
                            )


def _check_annotations(annotations: Any, base: tuple) -> Iterator[Problem]:
    if not isinstance(annotations, dict):
        return
    total = 0
    for key, value in annotations.items():
        if not isinstance(key, str):
            continue
        # ValidateAnnotations checks the lower-cased key
        errs = qualified_name_errors(key.lower())
        if errs:
            yield _invalid("invalid-annotation", base + (key,), key, "; ".join(errs), at="key")
        total += len(key.encode("utf-8"))
        if isinstance(value, str):
            total += len(value.encode("utf-8"))
    if total > TOTAL_ANNOTATION_SIZE:
        yield Problem(
            "invalid-annotation",
            base,
            f"{dotted(base)}: Too long: may not be more than {TOTAL_ANNOTATION_SIZE} bytes "
            f"(keys and values together are {total} bytes)",
            at="key",
        )


def _check_metadata(meta: Any, base: tuple) -> Iterator[Problem]:
    if not isinstance(meta, dict):
        return
    yield from _check_label_map(meta.get("labels"), base + ("labels",))
    yield from _check_annotations(meta.get("annotations"), base + ("annotations",))


# --------------------------------------------------------------------------
# Pod templates, containers, ports, resources
# --------------------------------------------------------------------------

_SELECTOR_KINDS = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"}


def pod_templates(obj: dict) -> list[tuple[tuple, Any]]:
    """The pod templates of a workload as ``[(path, template)]``.

    ``template`` is the mapping holding ``metadata`` and ``spec`` (for a Pod,
    the object itself, at path ``()``); it may be malformed (None, a list).
    """
    path = pod_template_path(obj.get("kind"))
    if path is None:
        return []
    return [(path, get(obj, *path) if path else obj)]


def _check_container_ports(ports: Any, base: tuple) -> Iterator[Problem]:
    """validateContainerPorts: names are IANA_SVC_NAMEs unique in the container."""
    if not isinstance(ports, list):
        return
    seen: dict[str, int] = {}
    for i, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        p = base + (i,)
        name = port.get("name")
        if isinstance(name, str) and name:
            errs = port_name_errors(name)
            if errs:
                yield _invalid("invalid-port-name", p + ("name",), name, "; ".join(errs))
            elif name in seen:
                yield Problem(
                    "invalid-port-name",
                    p + ("name",),
                    f"{dotted(p + ('name',))}: Duplicate value: {_show(name)} "
                    f"(also the name of {dotted(base + (seen[name],))}; port names must be "
                    "unique within a container)",
                    related=(base + (seen[name], "name"),),
                )
            else:
                seen[name] = i
        for field in ("containerPort", "hostPort"):
            num = _int(port.get(field))
            if num is None:
                continue
            if field == "hostPort" and num == 0:
                continue  # 0 means "no host port"
            if field == "containerPort" and num == 0:
                yield Problem(
                    "invalid-port",
                    p + (field,),
                    f"{dotted(p + (field,))}: Required value: containerPort must be a port "
                    "number between 1 and 65535, 0 is not allowed",
                )
            elif not 1 <= num <= 65535:
                yield _invalid("invalid-port", p + (field,), port.get(field), MSG_PORT_RANGE)


def _check_resources(res: Any, base: tuple) -> Iterator[Problem]:
    if not isinstance(res, dict):
        return
    parsed: dict[str, dict[str, Fraction]] = {}
    for section in ("limits", "requests"):
        block = res.get(section)
        if not isinstance(block, dict):
            continue
        parsed[section] = {}
        for rname, qty in block.items():
            if not isinstance(rname, str):
                continue
            yield from _check_quantity(qty, base + (section, rname), parsed[section], rname)
    for rname, req in parsed.get("requests", {}).items():
        lim = parsed.get("limits", {}).get(rname)
        if lim is None:
            continue
        rp = base + ("requests", rname)
        req_text = format_quantity(res["requests"][rname])
        lim_text = format_quantity(res["limits"][rname])
        if not overcommit_allowed(rname) and req != lim:
            yield Problem(
                "requests-exceed-limits",
                rp,
                f"{dotted(rp)} {req_text} differs from its limit {lim_text}: {rname} cannot be "
                f'overcommitted, so the API server rejects it ("must be equal to {rname} limit")',
                fix=lim_text,
                related=(base + ("limits", rname),),
            )
        elif req > lim:
            yield Problem(
                "requests-exceed-limits",
                rp,
                f"{dotted(rp)} {req_text} is above its limit {lim_text}: the API server rejects it "
                f'("must be less than or equal to {rname} limit of {lim_text}")',
                fix=lim_text,
                related=(base + ("limits", rname),),
            )


def overcommit_allowed(resource_name: str) -> bool:
    """v1helper.IsOvercommitAllowed: native resources except hugepages.

    Native = no domain prefix or a ``kubernetes.io/`` one; extended resources
    (``nvidia.com/gpu``) and ``hugepages-*`` need request == limit.
    """
    native = "/" not in resource_name or resource_name.split("/", 1)[0].endswith("kubernetes.io")
    return native and not resource_name.startswith("hugepages-")


def _check_quantity(qty: Any, path: tuple, into: dict | None = None, rname: str | None = None) -> Iterator[Problem]:
    text = quantity_text(qty)
    if text is None:
        return  # a list or map is a type error for the schema stage
    value = parse_quantity(qty)
    if value is None:
        hint = quantity_suggestion(text)
        detail = MSG_QUANTITY
        if hint:
            detail += f"; did you mean {hint}?"
        yield _invalid(
            "invalid-quantity",
            path,
            qty if isinstance(qty, str) else text,
            detail,
            fix=hint.split(" or ")[0] if hint else None,
        )
        return
    if value < 0:
        yield _invalid("invalid-quantity", path, text, "must be greater than or equal to 0")
        return
    if into is not None and rname is not None:
        into[rname] = value


def _check_container_name(name: Any, path: tuple, seen: dict[str, tuple]) -> Iterator[Problem]:
    """validateContainers: a DNS-1123 label, unique across all of the pod's containers."""
    if not isinstance(name, str) or not name:
        return
    errs = dns1123_label_errors(name)
    if errs:
        fixed = _name_fix(name, "Namespace")  # same syntax: a DNS-1123 label
        yield _invalid("invalid-name", path, name, "; ".join(errs), fix=fixed)
    elif name in seen:
        yield Problem(
            "invalid-name",
            path,
            f"{dotted(path)}: Duplicate value: {_show(name)} (also the name of "
            f"{dotted(seen[name][:-1])}; container names must be unique within a pod)",
            related=(seen[name],),
        )
    else:
        seen[name] = path


def _check_pod_spec(spec: Any, base: tuple) -> Iterator[Problem]:
    if not isinstance(spec, dict):
        return
    names: dict[str, tuple] = {}
    # containers first: the API server reports a clash on the init/ephemeral container
    for group in ("containers", "initContainers", "ephemeralContainers"):
        containers = spec.get(group)
        if not isinstance(containers, list):
            continue
        for i, c in enumerate(containers):
            if not isinstance(c, dict):
                continue
            cp = base + (group, i)
            yield from _check_container_name(c.get("name"), cp + ("name",), names)
            yield from _check_container_ports(c.get("ports"), cp + ("ports",))
            yield from _check_resources(c.get("resources"), cp + ("resources",))
    # pod-level resources (PodLevelResources, 1.32+) and overhead
    yield from _check_resources(spec.get("resources"), base + ("resources",))
    overhead = spec.get("overhead")
    if isinstance(overhead, dict):
        for rname, qty in overhead.items():
            if isinstance(rname, str):
                yield from _check_quantity(qty, base + ("overhead", rname))


# --------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------


def _check_service(obj: dict) -> Iterator[Problem]:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    if isinstance(spec.get("selector"), dict):
        yield from _check_label_map(spec["selector"], ("spec", "selector"))
    ports = spec.get("ports")
    if not isinstance(ports, list):
        return
    real = [p for p in ports if isinstance(p, dict)]
    need_names = len(real) > 1
    seen: dict[str, int] = {}
    seen_ports: dict[tuple, int] = {}
    seen_node_ports: dict[tuple, int] = {}
    for i, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        p = ("spec", "ports", i)
        yield from _check_service_port_number(port, p, i, seen_ports)
        yield from _check_target_port(port, p)
        yield from _check_node_port(port, p, i, seen_node_ports)
        yield from _check_service_port_name(port, p, i, seen, need_names)


def _check_service_port_number(port: dict, p: tuple, i: int, seen_ports: dict[tuple, int]) -> Iterator[Problem]:
    """spec.ports[i].port: in range, and each port/protocol exposed once."""
    num = _int(port.get("port"))
    if num is not None and not 1 <= num <= 65535:
        yield _invalid("invalid-port", p + ("port",), port.get("port"), MSG_PORT_RANGE)
    elif num is not None:
        proto = port.get("protocol") if isinstance(port.get("protocol"), str) else "TCP"
        if (num, proto) in seen_ports:
            first = seen_ports[(num, proto)]
            yield Problem(
                "invalid-port",
                p + ("port",),
                f"spec.ports[{i}]: Duplicate value: port {num}/{proto} is already exposed by spec.ports[{first}]",
                related=(("spec", "ports", first, "port"),),
            )
        else:
            seen_ports[(num, proto)] = i


def _check_target_port(port: dict, p: tuple) -> Iterator[Problem]:
    """spec.ports[i].targetPort: a port number or a port name."""
    target = port.get("targetPort")
    tnum = _int(target)
    if tnum is not None:
        # 0 is dropped and defaulted to port; anything else must be a port number
        if tnum != 0 and not 1 <= tnum <= 65535:
            yield _invalid("invalid-port", p + ("targetPort",), target, MSG_PORT_RANGE)
    elif isinstance(target, str) and target:
        errs = port_name_errors(target)
        if errs:
            yield _invalid("invalid-port-name", p + ("targetPort",), target, "; ".join(errs))


def _check_node_port(port: dict, p: tuple, i: int, seen_node_ports: dict[tuple, int]) -> Iterator[Problem]:
    """spec.ports[i].nodePort: in the node port range, and each used once."""
    node_port = _int(port.get("nodePort"))
    if node_port is not None and node_port != 0:
        lo, hi = NODE_PORT_RANGE
        proto = port.get("protocol") if isinstance(port.get("protocol"), str) else "TCP"
        if not lo <= node_port <= hi:
            yield _invalid(
                "invalid-port",
                p + ("nodePort",),
                port.get("nodePort"),
                f"provided port is not in the valid range. The range of valid ports is {lo}-{hi}",
            )
        elif (node_port, proto) in seen_node_ports:
            first = seen_node_ports[(node_port, proto)]
            yield Problem(
                "invalid-port",
                p + ("nodePort",),
                f"{dotted(p + ('nodePort',))}: Duplicate value: {node_port} (also the nodePort of spec.ports[{first}])",
                related=(("spec", "ports", first, "nodePort"),),
            )
        else:
            seen_node_ports[(node_port, proto)] = i


def _check_service_port_name(port: dict, p: tuple, i: int, seen: dict[str, int], need_names: bool) -> Iterator[Problem]:
    """spec.ports[i].name: a DNS-1123 label, unique, and required when there are several ports."""
    name = port.get("name")
    if isinstance(name, str) and name:
        # unlike container port names, a Service port name is a DNS-1123 label
        errs = dns1123_label_errors(name)
        if errs:
            yield _invalid("invalid-port-name", p + ("name",), name, "; ".join(errs))
        if name in seen:
            yield Problem(
                "invalid-port-name",
                p + ("name",),
                f"{dotted(p + ('name',))}: Duplicate value: {_show(name)} (also the name of spec.ports[{seen[name]}])",
                related=(("spec", "ports", seen[name], "name"),),
            )
        else:
            seen[name] = i
    elif need_names and name in (None, ""):
        yield Problem(
            "invalid-port-name",
            p + ("name",) if "name" in port else p,
            f"{dotted(p + ('name',))}: Required value: a Service with more than one port must name every port",
            at="key" if "name" in port else "value",
        )


# --------------------------------------------------------------------------
# Rolling updates (pkg/apis/apps/validation: ValidateRollingUpdateDeployment,
# ValidateRollingUpdateDaemonSet). Validation runs after defaulting: a
# Deployment's unset maxSurge/maxUnavailable become 25%; a DaemonSet's unset
# maxUnavailable becomes 1 and maxSurge 0.
# --------------------------------------------------------------------------

MSG_PERCENT = (
    "a valid percent string must be a numeric string followed by an ending '%' "
    "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
)


def _int_or_percent(value: Any) -> tuple[int | None, bool, bool]:
    """``(number, is_percent, valid)`` for an IntOrString value (int or str)."""
    if isinstance(value, bool):
        return None, False, False
    if isinstance(value, int):
        return value, False, True
    if isinstance(value, str) and _PERCENT_RE.match(value):
        return int(value[:-1]), True, True
    return None, False, False


def _int_or_percent_value(value: Any) -> int:
    """getIntOrPercentValue: "25%" -> 25, 3 -> 3, "3" -> 3 (IntValue), junk -> 0."""
    num, _, ok = _int_or_percent(value)
    if ok and num is not None:  # valid always comes with a number
        return num
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0


def _check_int_or_percent_fields(
    ru: dict, base: tuple, fields: tuple[str, ...], capped: tuple[str, ...]
) -> Iterator[Problem]:
    """ValidatePositiveIntOrPercent on each field, IsNotMoreThan100Percent on ``capped``."""
    for field in fields:
        raw = ru.get(field)
        if raw is None or isinstance(raw, bool) or not isinstance(raw, (int, str)):
            continue  # unset, or a wrong type the schema stage reports
        num, is_pct, ok = _int_or_percent(raw)
        path = base + (field,)
        if not ok or num is None:  # invalid: raw is a string (an int is always valid)
            digits = str(raw).strip().rstrip("%").strip()
            yield _invalid(
                "rolling-update-invalid",
                path,
                raw,
                MSG_PERCENT,
                fix=f'"{digits}%"' if digits.isdigit() else None,
            )
        elif num < 0:
            yield _invalid("rolling-update-invalid", path, raw, "must be greater than or equal to 0")
        elif field in capped and is_pct and num > 100:
            yield _invalid("rolling-update-invalid", path, raw, "must not be greater than 100%", fix='"100%"')


def _check_deployment_strategy(obj: dict) -> Iterator[Problem]:
    strategy = get(obj, "spec", "strategy")
    if not isinstance(strategy, dict):
        return
    ru = strategy.get("rollingUpdate")
    base = ("spec", "strategy", "rollingUpdate")
    if strategy.get("type") == "Recreate" and ru is not None:
        yield Problem(
            "rolling-update-invalid",
            base,
            "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'; delete "
            "spec.strategy.rollingUpdate (or use type: RollingUpdate)",
            at="key",
        )
        return
    if not isinstance(ru, dict):
        return
    yield from _check_int_or_percent_fields(ru, base, ("maxUnavailable", "maxSurge"), ("maxUnavailable",))
    present = all(
        isinstance(ru.get(f), (int, str)) and not isinstance(ru.get(f), bool) for f in ("maxUnavailable", "maxSurge")
    )
    if present and _int_or_percent_value(ru["maxUnavailable"]) == 0 and _int_or_percent_value(ru["maxSurge"]) == 0:
        yield _invalid(
            "rolling-update-invalid",
            base + ("maxUnavailable",),
            ru["maxUnavailable"],
            "may not be 0 when `maxSurge` is 0; set maxSurge: 1 to keep every old pod until its replacement is ready",
        )


def _check_daemonset_strategy(obj: dict) -> Iterator[Problem]:
    strategy = get(obj, "spec", "updateStrategy")
    if not isinstance(strategy, dict) or strategy.get("type") not in (None, "RollingUpdate"):
        return
    ru = strategy.get("rollingUpdate")
    if not isinstance(ru, dict):
        return
    base = ("spec", "updateStrategy", "rollingUpdate")
    yield from _check_int_or_percent_fields(ru, base, ("maxUnavailable", "maxSurge"), ("maxUnavailable", "maxSurge"))
    mu, ms = ru.get("maxUnavailable"), ru.get("maxSurge")
    for v in (mu, ms):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, str))):
            return
    has_unavailable = _int_or_percent_value(mu) != 0 if mu is not None else True  # defaults to 1
    has_surge = _int_or_percent_value(ms) != 0 if ms is not None else False  # defaults to 0
    if has_unavailable and has_surge:
        defaulted = " (maxUnavailable defaults to 1 when unset)" if mu is None else ""
        yield _invalid(
            "rolling-update-invalid",
            base + ("maxSurge",),
            ms,
            f"may not be set when maxUnavailable is non-zero{defaulted}; set maxUnavailable: 0 to surge (start the "
            "new pod before stopping the old one)",
        )
    elif not has_unavailable and not has_surge:
        yield Problem(
            "rolling-update-invalid",
            base + ("maxUnavailable",),
            f"{dotted(base + ('maxUnavailable',))}: Required value: cannot be 0 when maxSurge is 0",
            fix="1",
        )


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def check(obj: dict) -> list[Problem]:
    """Every semantic problem the API server would reject in one object."""
    if not isinstance(obj, dict):
        return []
    try:
        return list(_check(obj))
    except RecursionError:  # pathological nesting; never take the run down
        return []


def _check(obj: dict) -> Iterator[Problem]:
    raw_kind = obj.get("kind")
    kind = raw_kind if isinstance(raw_kind, str) else ""
    if kind.endswith("List"):
        return
    yield from _check_name(obj, kind)
    yield from _check_metadata(obj.get("metadata"), ("metadata",))

    for tpath, template in pod_templates(obj):
        if not isinstance(template, dict):
            continue
        if tpath:  # a Pod's own metadata was checked above
            yield from _check_metadata(template.get("metadata"), tpath + ("metadata",))
        yield from _check_pod_spec(template.get("spec"), tpath + ("spec",))

    raw_spec = obj.get("spec")
    spec = raw_spec if isinstance(raw_spec, dict) else {}
    if kind in _SELECTOR_KINDS:
        yield from _check_label_selector(spec.get("selector"), ("spec", "selector"))
    elif kind == "ReplicationController" and isinstance(spec.get("selector"), dict):
        yield from _check_label_map(spec["selector"], ("spec", "selector"))
    elif kind == "CronJob":
        yield from _check_label_selector(
            get(spec, "jobTemplate", "spec", "selector"), ("spec", "jobTemplate", "spec", "selector")
        )
    elif kind in ("NetworkPolicy",):
        yield from _check_label_selector(spec.get("podSelector"), ("spec", "podSelector"))
    elif kind == "PodDisruptionBudget":
        yield from _check_label_selector(spec.get("selector"), ("spec", "selector"))
    if kind == "Service":
        yield from _check_service(obj)
    if kind == "Deployment":
        yield from _check_deployment_strategy(obj)
    if kind == "DaemonSet":
        yield from _check_daemonset_strategy(obj)
    if kind == "PersistentVolumeClaim":
        yield from _check_resources(spec.get("resources"), ("spec", "resources"))
    if kind == "StatefulSet":
        vcts = spec.get("volumeClaimTemplates")
        if isinstance(vcts, list):
            for i, vct in enumerate(vcts):
                if isinstance(vct, dict):
                    yield from _check_resources(
                        get(vct, "spec", "resources"), ("spec", "volumeClaimTemplates", i, "spec", "resources")
                    )
