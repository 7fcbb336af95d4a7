"""Test helpers: a real registry on loopback, images pushed through its HTTP API,
and small loopback servers that stand in front of it (token auth, failures).

The registry is the CNCF distribution registry from Debian's ``docker-registry``
package (``.ci/install-registry.sh``).  It runs with no auth; token auth is
emulated by ``FrontProxy``, a loopback server that speaks the Bearer challenge
and token protocol and forwards authorized requests to the real registry
(configuring the registry itself for token auth would need a signing key and a
cert bundle).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import io
import json
import os
import secrets
import shutil
import socket
import subprocess
import tarfile
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REGISTRY_BINARY = "/usr/bin/docker-registry"
INSTALL_HINT = (
    "the CNCF distribution registry is not installed; run `bash .ci/install-registry.sh` "
    "(apt-get install docker-registry) to run the registry tests"
)

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def registry_binary() -> str | None:
    path = shutil.which("docker-registry") or (REGISTRY_BINARY if os.path.exists(REGISTRY_BINARY) else None)
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Registry:
    """``docker-registry serve`` on a free loopback port with temporary storage."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.dir = Path(tempfile.mkdtemp(prefix="k8scheck-registry-"))
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def config(self) -> str:
        # Shaped after the package's /etc/docker/registry/config.yml, minus htpasswd auth.
        return (
            "version: 0.1\n"
            "log:\n  level: error\n  accesslog:\n    disabled: true\n"
            "storage:\n"
            f"  filesystem:\n    rootdirectory: {self.dir / 'storage'}\n"
            "  delete:\n    enabled: true\n"
            "  cache:\n    blobdescriptor: inmemory\n"
            "http:\n"
            f"  addr: 127.0.0.1:{self.port}\n"
            f"  secret: {secrets.token_hex(16)}\n"
            "  headers:\n    X-Content-Type-Options: [nosniff]\n"
        )

    def start(self) -> Registry:
        config = self.dir / "config.yml"
        config.write_text(self.config())
        self.log = open(self.dir / "registry.log", "wb")
        self.proc = subprocess.Popen(
            [self.binary, "serve", str(config)], stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        for _ in range(400):  # up to ~20 s for a cold start on a busy machine
            if self.proc.poll() is not None:
                raise RuntimeError(f"registry exited: {(self.dir / 'registry.log').read_text()[-2000:]}")
            try:
                status, _, _ = http_request("GET", f"http://{self.host}/v2/", timeout=1)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("registry did not answer /v2/ in time")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def http_request(method: str, url: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 10):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def push_blob(host: str, repo: str, data: bytes) -> str:
    digest = sha256(data)
    status, headers, body = http_request("POST", f"http://{host}/v2/{repo}/blobs/uploads/")
    assert status == 202, (status, body)
    location = urllib.parse.urljoin(f"http://{host}/", headers["location"])
    sep = "&" if "?" in location else "?"
    status, _, body = http_request(
        "PUT",
        f"{location}{sep}digest={urllib.parse.quote(digest)}",
        body=data,
        headers={"Content-Type": "application/octet-stream", "Content-Length": str(len(data))},
    )
    assert status == 201, (status, body)
    return digest


def _layer(content: bytes) -> tuple[bytes, bytes]:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size = len(content)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(content))
    tar_bytes = raw.getvalue()
    return tar_bytes, gzip.compress(tar_bytes, mtime=0)


def push_image(host: str, repo: str, tag: str, *, flavour: str = "oci") -> str:
    """Push a one-layer image under ``repo:tag``; returns the manifest digest."""
    tar_bytes, layer = _layer(f"{repo}:{tag}\n".encode())
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {"Cmd": ["/hello"]},
            "rootfs": {"type": "layers", "diff_ids": [sha256(tar_bytes)]},
        },
        sort_keys=True,
    ).encode()
    layer_digest = push_blob(host, repo, layer)
    config_digest = push_blob(host, repo, config)
    media, config_media, layer_media = (
        (OCI_MANIFEST, OCI_CONFIG, OCI_LAYER) if flavour == "oci" else (DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER)
    )
    manifest = {
        "schemaVersion": 2,
        "mediaType": media,
        "config": {"mediaType": config_media, "digest": config_digest, "size": len(config)},
        "layers": [{"mediaType": layer_media, "digest": layer_digest, "size": len(layer)}],
    }
    body = json.dumps(manifest, sort_keys=True).encode()
    status, headers, answer = http_request(
        "PUT", f"http://{host}/v2/{repo}/manifests/{tag}", body=body, headers={"Content-Type": media}
    )
    assert status == 201, (status, answer)
    assert headers.get("docker-content-digest") == sha256(body)
    return sha256(body)


# --------------------------------------------------------------------------- loopback servers


@dataclass
class FrontProxy:
    """A loopback server in front of the registry.

    token=True      answers /v2/ requests without a valid Bearer token with
                    ``401 WWW-Authenticate: Bearer realm=<self>/token,service=..,scope=..``
                    and issues tokens at /token (anonymous unless ``credentials``)
    credentials     (user, password) the token endpoint demands as Basic auth
    fail_first      answer the first N registry requests with 503
    reset_first     drop the connection without an answer on the first N registry requests
    """

    upstream: str
    token: bool = False
    credentials: tuple[str, str] | None = None
    fail_first: int = 0
    reset_first: int = 0
    requests: list = field(default_factory=list)
    token_requests: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self._issued: set[str] = set()
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                proxy._handle(self)

            def do_HEAD(self):
                proxy._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FrontProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _reply(self, h: BaseHTTPRequestHandler, status: int, headers: dict, body: bytes = b"") -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        auth = h.headers.get("Authorization", "")
        if path.startswith("/token"):
            with self._lock:
                self.token_requests.append({"path": path, "authorization": auth})
            if self.credentials is not None:
                expected = "Basic " + base64.b64encode(":".join(self.credentials).encode()).decode()
                if auth != expected:
                    self._reply(h, 401, {"Content-Type": "application/json"}, b'{"details":"bad credentials"}')
                    return
            token = secrets.token_hex(8)
            with self._lock:
                self._issued.add(token)
            self._reply(h, 200, {"Content-Type": "application/json"}, json.dumps({"token": token}).encode())
            return
        with self._lock:
            self.requests.append({"method": h.command, "path": path, "authorization": auth})
            failing = self.fail_first > 0
            if failing:
                self.fail_first -= 1
            resetting = self.reset_first > 0
            if resetting:
                self.reset_first -= 1
        if resetting:
            h.close_connection = True
            return
        if failing:
            self._reply(h, 503, {"Content-Type": "text/plain"}, b"busy")
            return
        if self.token:
            given = auth[len("Bearer ") :] if auth.startswith("Bearer ") else None
            if given is None or given not in self._issued:
                parts = path.split("/")
                repo = "/".join(parts[2:-2]) if len(parts) > 4 else ""
                challenge = f'Bearer realm="http://{self.host}/token",service="test-registry"'
                if repo:
                    challenge += f',scope="repository:{repo}:pull"'
                body = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
                self._reply(h, 401, {"WWW-Authenticate": challenge, "Content-Type": "application/json"}, body)
                return
        headers = {k: v for k, v in h.headers.items() if k.lower() in ("accept",)}
        status, up_headers, body = http_request(h.command, f"http://{self.upstream}{path}", headers=headers)
        keep = {k: v for k, v in up_headers.items() if k in ("content-type", "docker-content-digest", "link")}
        if h.command == "HEAD":
            h.send_response(status)
            for k, v in keep.items():
                h.send_header(k, v)
            h.send_header("Content-Length", up_headers.get("content-length", "0"))
            h.end_headers()
            return
        self._reply(h, status, keep, body)


class SilentServer:
    """Accepts TCP connections and never answers (for timeouts)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.host = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.held: list[socket.socket] = []
        self._stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def __enter__(self) -> SilentServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop = True
        self.sock.close()
        for c in self.held:
            c.close()


# --------------------------------------------------------------------------- pytest fixtures

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def registry():
    """A running registry (skips the test with the install command when the binary is absent)."""
    binary = registry_binary()
    if binary is None:
        pytest.skip(INSTALL_HINT)
    server = Registry(binary).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=False)
def no_proxy_env(monkeypatch):
    """Loopback requests must not go through a proxy the developer happens to have set."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
