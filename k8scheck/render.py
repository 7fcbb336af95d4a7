"""Running a renderer (kustomize, kubectl kustomize, helm) safely on untrusted input.

A pull request's manifests may be hostile: no plugins are enabled (kustomize runs
exec/KRM plugins only when asked to), nothing is fetched from the network unless
``--allow-remote`` (proxies point at a closed loopback port and git may use local
files only), and both time and output size are bounded.
"""

from __future__ import annotations

import os
import re
import subprocess

TIMEOUT_SECONDS = 60
_KLOG_PREFIX = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [^\]]*\] ")
_NO_NETWORK = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
    "GIT_ALLOW_PROTOCOL": "file",
    "GIT_TERMINAL_PROMPT": "0",
}


class RenderError(Exception):
    pass


def environment(allow_remote: bool) -> dict:
    env = dict(os.environ)
    if not allow_remote:
        env.update(_NO_NETWORK)
    return env


def clean_message(stderr: str) -> str:
    """The renderer's own words: klog prefixes and 'Error: ' dropped, the last meaningful line (a klog
    multi-line value, ``err=<`` ... ``>``, joined into its line)."""
    lines: list[str] = []
    block: list[str] | None = None
    for raw in stderr.splitlines():
        line = _KLOG_PREFIX.sub("", raw).strip()
        if block is not None:
            if line == ">":
                lines[-1] += " ".join(part for part in block if part)
                block = None
            else:
                block.append(line)
            continue
        if line.endswith("=<"):
            lines.append(line[:-1])
            block = []
        else:
            lines.append(line)
    if block is not None:  # an unterminated block: keep what it said
        lines[-1] += " ".join(part for part in block if part)
    lines = [line.removeprefix("Error: ").removeprefix("error: ") for line in lines if line]
    return lines[-1] if lines else "no message"


def run(command: list[str], shown: str, max_output: int, allow_remote: bool = False) -> str:
    """stdout of ``command``; RenderError naming ``shown`` when it fails, hangs or says too much."""
    try:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=environment(allow_remote),
        )
    except OSError as exc:
        raise RenderError(f"cannot run {command[0]}: {exc.strerror or exc}") from None
    try:
        out, err = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise RenderError(f"`{' '.join(command[:2])}` did not finish in {TIMEOUT_SECONDS} s for {shown}") from None
    if len(out) > max_output:
        raise RenderError(f"`{' '.join(command[:2])}` printed more than the --max-file-size limit for {shown}")
    if process.returncode != 0:
        raise RenderError(
            f"`{' '.join(command[:2])}` failed for {shown}: {clean_message(err.decode('utf-8', 'replace'))}"
        )
    return out.decode("utf-8", "replace")
