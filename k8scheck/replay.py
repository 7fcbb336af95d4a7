"""Replaying a `lint` run whose inputs have not changed, before the pipeline is imported.

The run cache (``runcache``) answers a repeated run from its key, but computing the
key takes the CLI, the configuration, the discovery walk and every input's digest:
start-up and imports are most of a warm run. A replay record keeps, per command
line, working directory, colour setting and terminal, what the run printed, its
exit code and the stat of every path whose state decided it: k8scheck's own code and
data, the configuration file and every place it was looked for, the baseline, each
directory walked, each input file and every ancestor of a named path (where
kustomization files, ``.git`` and configuration are looked for). A replay stats
those paths and nothing else: when every stat is as recorded, nothing the run read
can have changed, so it prints what the run printed and exits with its code.

Only runs the run cache answers are recorded (no stdin, kustomize, helm, git or
registry), with every report on stdout and nothing else written. A record is kept
only when every path it watches was last changed at least two seconds before the
run started (the stat index's "racy clean" rule, against the change time, which no
tool sets back): a change during the run, or within a timestamp's granularity
before it, leaves no record.
"""

from __future__ import annotations

import marshal
import os
import sys
import time

FORMAT = "k8scheck-replay-1"
KEEP = 32  # records kept; older ones are pruned
RACY_NANOSECONDS = 2_000_000_000
# What a lint run reads besides its arguments and files: the colour default.
ENVIRONMENT = ("NO_COLOR",)
# Arguments that make a run write files, read stdin, skip the caches or print help.
_NEVER_REPLAYED = frozenset(("-", "--no-cache", "--help", "-h", "--version", "--output", "-o", "--write-baseline"))


def signature(path: str) -> tuple | None:
    """What a path's stat says of its content (None: it does not exist or cannot be reached)."""
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    return (stat.st_mode, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)


def replay_key(argv: list[str]) -> str | None:
    """Everything besides the file system a `lint` run's output depends on (None: never replayed)."""
    if not argv or argv[0] != "lint":
        return None
    if any(arg in _NEVER_REPLAYED or arg.startswith(("--output=", "--write-baseline=")) for arg in argv):
        return None
    try:
        cwd = os.getcwd()
    except OSError:
        return None
    if sys.stdout is None or sys.stderr is None:
        return None
    streams = [(stream.isatty(), getattr(stream, "encoding", None)) for stream in (sys.stdout, sys.stderr)]
    return repr((FORMAT, sys.version, sys.executable, argv, cwd, [os.environ.get(n) for n in ENVIRONMENT], streams))


def records_dir() -> str:
    from .cachedir import cache_dir

    return os.path.join(cache_dir(), "replay")


def _record_path(key: str) -> str:
    import hashlib

    return os.path.join(records_dir(), hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32])


def replayed(key: str) -> tuple[list, int] | None:
    """What the recorded run under ``key`` wrote ((1 or 2, text) in order) and its exit code, if nothing it
    watched changed."""
    try:
        with open(_record_path(key), "rb") as handle:
            record = marshal.load(handle)
        if record[0] != key:
            return None
        for path, recorded in record[1]:
            if signature(path) != recorded:
                return None
        return record[2], record[3]
    except (OSError, EOFError, ValueError, TypeError, IndexError):
        return None  # no record, or a damaged one: the run is made


class _Tee:
    """A text stream that writes through to ``stream`` and keeps what it wrote, as (number, text), in ``written``."""

    def __init__(self, stream, number: int, written: list):
        self.stream = stream
        self.number = number
        self.written = written
        self.encoding = getattr(stream, "encoding", None)
        self.errors = getattr(stream, "errors", None)

    def write(self, text: str) -> int:
        count = self.stream.write(text)  # first: what the stream refuses (bytes) is not kept
        self.written.append((self.number, text))
        return count

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True


class CommandProcess:
    """The command's process, which ``run`` ends at once: what a command hands to ``kept`` is never freed.

    Freeing a large run's objects one by one (millions of decoded values) takes a run's
    last 20 ms for nothing when the process ends right after.
    """

    def __init__(self, kept: list | None = None):
        self.kept: list = [] if kept is None else kept


class Recorder(CommandProcess):
    """Keeps a run's output and, when the command says what it read, a replay record of it."""

    def __init__(self, key: str, started_ns: int, kept: list | None = None):
        super().__init__(kept)
        self.key = key
        self.started_ns = started_ns
        self.watched: list[str] | None = None
        self.written: list[tuple[int, str]] = []
        self.stdout = _Tee(sys.stdout, 1, self.written)
        self.stderr = _Tee(sys.stderr, 2, self.written)

    def watch(self, paths) -> None:
        """The run may be replayed while none of ``paths`` changes (called once its output is written)."""
        self.watched = list(dict.fromkeys(paths))

    def run(self, command) -> int | str | None:
        """``command()`` (a click entry point: it exits) with stdout and stderr kept; its exit code."""
        sys.stdout, sys.stderr = self.stdout, self.stderr
        try:
            command()
        except SystemExit as exc:
            return exc.code
        finally:
            sys.stdout, sys.stderr = self.stdout.stream, self.stderr.stream
        return 0

    def save(self, code) -> None:
        if self.watched is None or not isinstance(code, int):
            return
        watched = []
        for path in self.watched:
            recorded = signature(path)
            if recorded is not None and self.started_ns - max(recorded[2], recorded[3]) < RACY_NANOSECONDS:
                return  # changed just before or during the run: its stat may not tell the next change
            watched.append((path, recorded))
        record = (self.key, watched, self.written, code)
        try:
            path = _record_path(self.key)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            temporary = f"{path}.{os.getpid()}.tmp"
            with open(temporary, "wb") as handle:
                marshal.dump(record, handle)
            os.replace(temporary, path)
            _prune(os.path.dirname(path))
        except (OSError, ValueError):
            pass  # a read-only or full cache directory only costs speed


def _prune(directory: str) -> None:
    entries = sorted(os.scandir(directory), key=lambda entry: entry.stat().st_mtime_ns)
    for old in entries[:-KEEP]:
        try:
            os.unlink(old.path)
        except OSError:
            pass


def _print(written: list, code: int) -> int:
    """Write a recorded run's output; its exit code (1 when the reader went away, as click does)."""
    try:
        for number, text in written:
            stream = sys.stdout if number == 1 else sys.stderr
            stream.write(text)
            stream.flush()
    except BrokenPipeError:
        # Nothing more can be written; point stdout at nothing so the interpreter's last flush is quiet.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    return code


def main(kept: list | None = None) -> None:
    """The `k8scheck` command: a recorded run replayed, else the CLI (recording a `lint` run).

    ``kept``: where the command leaves what need not be freed (``CommandProcess``); None in a
    process that goes on after the command.
    """
    started_ns = time.time_ns()
    key = replay_key(sys.argv[1:])
    answer = replayed(key) if key is not None else None
    if answer is not None:
        sys.exit(_print(*answer))
    from .cli import main as cli

    if key is None:
        cli(obj=CommandProcess(kept) if kept is not None else None)
        return
    recorder = Recorder(key, started_ns, kept)
    code = recorder.run(lambda: cli(obj=recorder))
    recorder.save(code)
    sys.exit(code)


def run() -> None:
    """The `k8scheck` command's entry point: ``main()``, then out of the process at once.

    Everything is written and every file closed by then; tearing the interpreter down
    would free a large run's objects one by one (30 ms of a 1.3 s run), as mypy's
    entry point also avoids. ``main()`` stays an ordinary function for callers in Python.
    """
    kept: list = []  # alive until os._exit (see CommandProcess)
    try:
        main(kept)
        code = 0
    except SystemExit as exc:
        code = _exit_status(exc.code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        code = code or 1
    os._exit(code)


def _exit_status(code) -> int:
    """The process status ``SystemExit(code)`` gives: None is 0, an integer itself, anything else printed, 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1
