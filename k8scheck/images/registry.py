"""Ask real registries (OCI Distribution API v2) whether images exist.

For each distinct image::

    HEAD /v2/<repository>/manifests/<tag-or-digest>      Accept: OCI index, OCI manifest,
                                                          Docker manifest list, Docker manifest v2
      200                -> found (digest from Docker-Content-Digest)
      401 + Bearer chal. -> GET <realm>?service=..&scope=repository:<repo>:pull  (anonymous, or
                            Basic with the Docker config's credentials), retry with the token
      401 + Basic chal.  -> retry with the Docker config's credentials, if any
      404                -> not-found; GET /v2/<repository>/tags/list (same auth) for suggestions
      401/403 after auth -> unauthorized
      405 on HEAD        -> the same request as GET
      5xx, 429, reset    -> retried once after a short pause
      refused, DNS, timeout, TLS -> unreachable

``docker.io`` is served by ``registry-1.docker.io`` (``index.docker.io`` too);
``mirrors`` maps a registry host to another host to ask instead; hosts in
``insecure_registries`` (as written in the image, or the mirror host) are asked
over plain http.  Credentials are never logged, never put in a verdict, and
never sent on a redirect.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from http.client import HTTPException, RemoteDisconnected
from pathlib import Path

from .cache import ImageCache
from .catalog import CatalogError, load_catalog
from .reference import Reference, parse_reference
from .verdict import ImageVerdict, not_found_verdict

__all__ = ["check_images", "ImageVerdict", "CatalogError", "default_docker_config", "MANIFEST_ACCEPT"]

log = logging.getLogger("k8scheck.images")

MANIFEST_ACCEPT = ", ".join(
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)
DOCKER_HUB_HOSTS = {"docker.io", "index.docker.io", "registry-1.docker.io"}
DOCKER_HUB_ENDPOINT = "registry-1.docker.io"
RETRY_PAUSE = 0.3
TRANSIENT_STATUS = {429, 500, 502, 503, 504}
MAX_TAG_PAGES = 20
USER_AGENT = "k8scheck-image-check"


def default_docker_config() -> Path | None:
    """``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json`` when it exists."""
    base = os.environ.get("DOCKER_CONFIG")
    path = Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"
    return path if path.is_file() else None


# --------------------------------------------------------------------------- credentials


def _host_of_auth_key(key: str) -> str:
    """``https://index.docker.io/v1/`` -> ``index.docker.io``; ``host:5000`` stays."""
    if "://" in key:
        key = key.split("://", 1)[1]
    return key.split("/", 1)[0].lower()


def _load_credentials(path: Path | None) -> dict[str, tuple[str, str]]:
    """host -> (user, password) from a Docker config's ``auths``; unreadable config -> {}."""
    if path is None:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    auths = data.get("auths") if isinstance(data, dict) else None
    if not isinstance(auths, dict):
        return {}
    out: dict[str, tuple[str, str]] = {}
    for key, entry in auths.items():
        if not isinstance(key, str) or not isinstance(entry, dict):
            continue
        credentials: tuple[str, str] | None = None
        encoded = entry.get("auth")
        if isinstance(encoded, str) and encoded:
            try:
                decoded = base64.b64decode(encoded, validate=False).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                decoded = ""
            if ":" in decoded:
                user, password = decoded.split(":", 1)
                credentials = (user, password)
        if credentials is None and isinstance(entry.get("username"), str) and isinstance(entry.get("password"), str):
            credentials = (entry["username"], entry["password"])
        if credentials is None:
            continue
        host = _host_of_auth_key(key)
        if host in DOCKER_HUB_HOSTS:
            for alias in DOCKER_HUB_HOSTS:
                out[alias] = credentials
        else:
            out[host] = credentials
    return out


# --------------------------------------------------------------------------- HTTP


class _Unreachable(Exception):
    pass


@dataclass
class _Response:
    status: int
    headers: dict[str, str]
    body: bytes = b""


_CHALLENGE_PARAM_RE = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """``Bearer realm="https://a/token",service="r",scope="repository:x:pull"`` -> ("bearer", {...})."""
    header = header.strip()
    scheme, _, rest = header.partition(" ")
    params = {
        m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
        for m in _CHALLENGE_PARAM_RE.finditer(rest)
    }
    return scheme.lower(), params


@dataclass
class _Counter:
    n: int = 0


@dataclass
class _Client:
    timeout: float
    credentials: dict[str, tuple[str, str]]
    tokens: dict[tuple, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        # Redirects are followed (tag lists may be served elsewhere); the Authorization
        # header is added as an "unredirected" header, so it never follows a redirect.
        self.opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=ssl.create_default_context()))

    # one exchange, with one retry on transient failures
    def send(self, method: str, url: str, headers: dict[str, str], auth: str | None, counter: _Counter) -> _Response:
        last: Exception | None = None
        for attempt in range(2):
            counter.n += 1
            request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, **headers})
            if auth:
                request.add_unredirected_header("Authorization", auth)
            try:
                with self.opener.open(request, timeout=self.timeout) as resp:
                    body = resp.read(4 << 20) if method != "HEAD" else b""
                    result = _Response(resp.status, {k.lower(): v for k, v in resp.headers.items()}, body)
            except urllib.error.HTTPError as exc:
                try:
                    body = exc.read(1 << 16) if method != "HEAD" else b""
                except Exception:
                    body = b""
                result = _Response(exc.code, {k.lower(): v for k, v in (exc.headers or {}).items()}, body)
            except (ConnectionResetError, RemoteDisconnected, ConnectionAbortedError, BrokenPipeError) as exc:
                last = _Unreachable(f"the connection was reset ({type(exc).__name__})")
                if attempt == 0:
                    time.sleep(RETRY_PAUSE)
                    continue
                raise last from None
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, (ConnectionResetError, ConnectionAbortedError)) and attempt == 0:
                    time.sleep(RETRY_PAUSE)
                    continue
                raise _Unreachable(self._describe(reason)) from None
            except TimeoutError:
                raise _Unreachable(f"no answer within {self.timeout:g} s (timed out)") from None
            except (HTTPException, OSError) as exc:
                raise _Unreachable(self._describe(exc)) from None
            log.debug("%s %s -> %s", method, url, result.status)
            if result.status in TRANSIENT_STATUS and attempt == 0:
                time.sleep(self._pause(result))
                continue
            return result
        raise last or _Unreachable("no answer")  # pragma: no cover - loop always returns or raises

    @staticmethod
    def _pause(result: _Response) -> float:
        try:
            return min(2.0, max(RETRY_PAUSE, float(result.headers.get("retry-after", RETRY_PAUSE))))
        except ValueError:
            return RETRY_PAUSE

    def _describe(self, reason: object) -> str:
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return f"no answer within {self.timeout:g} s (timed out)"
        if isinstance(reason, ConnectionRefusedError):
            return "connection refused (nothing is listening there)"
        if isinstance(reason, socket.gaierror):
            return "the host name does not resolve"
        if isinstance(reason, ssl.SSLError):
            return (
                f"TLS failed ({getattr(reason, 'reason', None) or reason}); if it serves plain http, list it as an "
                "insecure registry"
            )
        if isinstance(reason, OSError) and reason.strerror:
            return reason.strerror.lower()
        return str(reason) or type(reason).__name__

    # an exchange that answers auth challenges
    def call(
        self, method: str, url: str, headers: dict[str, str], host: str, scope: str, counter: _Counter
    ) -> tuple[_Response, bool]:
        """Returns (response, sent_credentials)."""
        with self.lock:
            auth = self.tokens.get((host, scope))
        response = self.send(method, url, headers, auth, counter)
        if response.status != 401:
            return response, False
        scheme, params = parse_challenge(response.headers.get("www-authenticate", ""))
        creds = self.credentials.get(host)
        if scheme == "bearer" and params.get("realm"):
            token, sent = self._token(params, scope, creds, host, counter)
            if token is None:
                return response, sent
            auth = f"Bearer {token}"
            creds = creds if sent else None
        elif scheme == "basic" and creds:
            auth = "Basic " + base64.b64encode(f"{creds[0]}:{creds[1]}".encode()).decode()
        else:
            return response, False
        with self.lock:
            self.tokens[(host, scope)] = auth
        return self.send(method, url, headers, auth, counter), creds is not None

    def _token(
        self, params: dict[str, str], scope: str, creds, host: str, counter: _Counter
    ) -> tuple[str | None, bool]:
        """(token or None, whether credentials were sent)."""
        query = {}
        if params.get("service"):
            query["service"] = params["service"]
        query["scope"] = params.get("scope") or scope
        realm = params["realm"]
        url = realm + ("&" if "?" in realm else "?") + urllib.parse.urlencode(query)
        basic = None
        realm_parts = urllib.parse.urlsplit(realm)
        # Credentials go to the token realm only over TLS, or to the registry's own host.
        if creds and (realm_parts.scheme == "https" or realm_parts.netloc == host):
            basic = "Basic " + base64.b64encode(f"{creds[0]}:{creds[1]}".encode()).decode()
        response = self.send("GET", url, {"Accept": "application/json"}, basic, counter)
        sent = basic is not None
        if response.status != 200:
            return None, sent
        try:
            data = json.loads(response.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None, sent
        token = data.get("token") or data.get("access_token") if isinstance(data, dict) else None
        return (token if isinstance(token, str) and token else None), sent


# --------------------------------------------------------------------------- one image


@dataclass(frozen=True)
class _Target:
    ref: Reference
    scheme: str
    endpoint: str  # host[:port] actually asked
    where: str  # how the registry is named to people

    @property
    def key(self) -> str:
        target = self.ref.digest or self.ref.effective_tag
        sep = "@" if self.ref.digest else ":"
        return f"{self.scheme}://{self.endpoint}/{self.ref.repository}{sep}{target}"


def _target(ref: Reference, mirrors: dict[str, str], insecure: set[str]) -> _Target:
    registry = ref.registry
    endpoint = DOCKER_HUB_ENDPOINT if registry in DOCKER_HUB_HOSTS else registry
    where = registry
    mirror = mirrors.get(registry) or (mirrors.get("docker.io") if registry in DOCKER_HUB_HOSTS else None)
    if mirror:
        mirror = _host_of_auth_key(mirror) if "://" in mirror else mirror
        where = f"{registry} (via mirror {mirror})"
        endpoint = mirror
    plain = registry in insecure or endpoint in insecure or (mirror is not None and mirror in insecure)
    return _Target(ref, "http" if plain else "https", endpoint, where)


def _error_codes(body: bytes) -> str:
    try:
        data = json.loads(body.decode("utf-8"))
        codes = [e.get("code") for e in data.get("errors", []) if isinstance(e, dict)]
        return ", ".join(c for c in codes if isinstance(c, str))
    except Exception:
        return ""


def _list_tags(client: _Client, t: _Target, counter: _Counter) -> list[str] | None:
    """All tags (following Link pagination), [] for a repository that does not exist, None when unreadable."""
    base = f"{t.scheme}://{t.endpoint}"
    url = f"{base}/v2/{t.ref.repository}/tags/list?n=1000"
    scope = f"repository:{t.ref.repository}:pull"
    tags: list[str] = []
    for _ in range(MAX_TAG_PAGES):
        try:
            response, _ = client.call("GET", url, {"Accept": "application/json"}, t.endpoint, scope, counter)
        except _Unreachable:
            return None
        if response.status == 404:
            return []
        if response.status != 200:
            return None
        try:
            data = json.loads(response.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None
        page = data.get("tags") if isinstance(data, dict) else None
        tags.extend(x for x in (page or []) if isinstance(x, str))
        link = response.headers.get("link", "")
        m = re.search(r"<([^>]+)>\s*;\s*rel=\"?next\"?", link)
        if not m:
            return tags
        url = urllib.parse.urljoin(base + "/", m.group(1))
    return tags


def _check_one(client: _Client, t: _Target) -> ImageVerdict:
    ref = t.ref
    counter = _Counter()
    url = f"{t.scheme}://{t.endpoint}/v2/{ref.repository}/manifests/{ref.digest or ref.effective_tag}"
    scope = f"repository:{ref.repository}:pull"
    headers = {"Accept": MANIFEST_ACCEPT}
    try:
        response, with_creds = client.call("HEAD", url, headers, t.endpoint, scope, counter)
        if response.status == 405 or (400 <= response.status < 500 and response.status not in (401, 403, 404, 429)):
            response, with_creds = client.call("GET", url, headers, t.endpoint, scope, counter)
    except _Unreachable as exc:
        return ImageVerdict("unreachable", f"registry {t.where} is unreachable: {exc}", requests=counter.n)

    status = response.status
    if 200 <= status < 300:
        digest = response.headers.get("docker-content-digest") or ref.digest
        return ImageVerdict("found", f"{ref.familiar} exists in {t.where}", digest, requests=counter.n)
    if status == 404:
        tags = None if ref.digest else _list_tags(client, t, counter)
        if tags == [] and ref.digest is None:
            verdict = not_found_verdict(ref, t.where, [], requests=counter.n)
            return replace(
                verdict,
                detail=f"{ref.familiar} does not exist in {t.where} (there is no repository {ref.short_name} there)",
            )
        return not_found_verdict(ref, t.where, tags, requests=counter.n)
    if status in (401, 403):
        who = "with the credentials from the Docker config" if with_creds else "to an anonymous request"
        hint = ""
        if ref.registry in DOCKER_HUB_HOSTS:
            hint = " (Docker Hub answers this way for private repositories and for ones that do not exist)"
        elif not with_creds:
            hint = " (the repository is private: log in with docker login, or it does not exist)"
        return ImageVerdict(
            "unauthorized",
            f"registry {t.where} answered {status} {'Unauthorized' if status == 401 else 'Forbidden'} {who}{hint}",
            requests=counter.n,
        )
    codes = _error_codes(response.body)
    return ImageVerdict(
        "error", f"registry {t.where} answered HTTP {status}" + (f" ({codes})" if codes else ""), requests=counter.n
    )


# --------------------------------------------------------------------------- public


def check_images(
    references: Iterable[str],
    *,
    cache_path: Path | None,
    ttl_seconds: int = 86400,
    timeout: float = 10,
    max_workers: int = 8,
    docker_config: Path | None = None,
    mirrors: dict[str, str] | None = None,
    insecure_registries: set[str] | None = None,
    catalog: Path | None = None,
) -> dict[str, ImageVerdict]:
    """Verdicts for every distinct image string, keyed by the string as written.

    Invalid references get an ``error`` verdict without any request (the static
    rule image-reference-invalid reports them).  References that normalize to
    the same registry/repository:tag share one lookup.  With ``catalog`` the
    file answers and the network is not used (raises ``CatalogError`` when the
    file is unreadable).  With ``cache_path``, found/not-found answers are kept
    in SQLite: tags for ``ttl_seconds``, found digests forever.
    ``docker_config`` is read only when given (see ``default_docker_config``).

    The catalog is YAML or JSON: a list of references that exist
    (``- blux2/hello-server:1.2``) or a mapping repository -> tags
    (``blux2/hello-server: ["1.0", "1.2"]``); a repository it does not list
    gets an ``error`` verdict, never ``not-found`` (see ``catalog.py``).
    """
    strings = list(dict.fromkeys(r for r in references if isinstance(r, str)))
    results: dict[str, ImageVerdict] = {}
    parsed: dict[str, Reference] = {}
    for s in strings:
        ref = parse_reference(s)
        if isinstance(ref, Reference):
            parsed[s] = ref
        else:
            results[s] = ImageVerdict("error", f"{s!r} is not a valid image reference: {ref.reason}")

    if catalog is not None:
        book = load_catalog(Path(catalog))
        for s, ref in parsed.items():
            results[s] = book.verdict(ref)
        return {s: results[s] for s in strings}

    mirrors = dict(mirrors or {})
    insecure = set(insecure_registries or ())
    groups: dict[str, tuple[_Target, list[str]]] = {}
    for s, ref in parsed.items():
        t = _target(ref, mirrors, insecure)
        groups.setdefault(t.key, (t, []))[1].append(s)

    cache = ImageCache(Path(cache_path), ttl_seconds) if cache_path is not None else None
    answers: dict[str, ImageVerdict] = {}
    todo: list[_Target] = []
    for key, (t, _) in groups.items():
        hit = cache.get(key) if cache else None
        if hit is not None:
            answers[key] = hit
        else:
            todo.append(t)

    if todo:
        client = _Client(timeout=timeout, credentials=_load_credentials(docker_config))
        workers = max(1, min(max_workers, len(todo)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="k8scheck-images") as pool:
            for t, verdict in zip(todo, pool.map(lambda t: _safe_check(client, t), todo)):
                answers[t.key] = verdict
                if cache:
                    found_digest = t.ref.digest is not None and verdict.status == "found"
                    cache.put(t.key, verdict, forever=found_digest)
    if cache:
        cache.close()

    for key, (_unused, originals) in groups.items():
        for s in originals:
            results[s] = answers[key]
    return {s: results[s] for s in strings}


def _safe_check(client: _Client, t: _Target) -> ImageVerdict:
    try:
        return _check_one(client, t)
    except Exception as exc:  # never let one odd registry answer end the whole run
        log.debug("image check of %s failed: %s", t.key, type(exc).__name__)
        return ImageVerdict(
            "error", f"checking {t.ref.familiar} in {t.where} failed unexpectedly ({type(exc).__name__})"
        )
