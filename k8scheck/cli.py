"""The command line: a thin layer that wires options to the pipeline."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import click

from . import __version__, collector
from .replay import CommandProcess, Recorder

if TYPE_CHECKING:  # imported where used, to keep the start-up of every command light
    from .config import Config
    from .context import Options
    from .loader import Discovery

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
SEVERITY_CHOICES = click.Choice(["error", "warning", "info"])


def _split(values) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@contextlib.contextmanager
def _internal_errors(debug: bool):
    """The one internal-error handler around a command's work.

    Never a traceback for users: one line and exit 2; --debug shows the traceback.
    Usage errors raised inside the work pass through as they are.
    """
    try:
        yield
    except click.ClickException:
        raise
    except Exception as exc:
        from .images import CatalogError  # (the image modules: only when something went wrong)

        if isinstance(exc, CatalogError):  # a bad --image-catalog file is the user's to fix
            raise click.UsageError(f"--image-catalog: {exc}") from None
        if debug:
            raise
        click.echo(
            f"k8scheck: internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)", err=True
        )
        sys.exit(EXIT_USAGE)


def _old_manifests(paths, run, *, from_paths=(), revision=None, option="--from-git"):
    """The applied state to compare with: --from paths, or the same paths at a git revision (None: neither)."""
    if from_paths and revision:
        raise click.UsageError("use either --from or --from-git, not both")
    if from_paths:
        return load_inputs(from_paths, run).manifests
    if not revision:
        return None
    import shutil

    from .gitsource import GitError, materialize

    try:
        scratch, old_paths = materialize(revision, [p for p in paths if p != "-"])
    except GitError as exc:
        raise click.BadParameter(f"{revision}: {exc}", param_hint=option) from None
    try:
        return load_inputs(old_paths, run).manifests
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _kube_version(text, where="--kube-version"):
    """Validate a Kubernetes version early: a clear usage error naming what is bundled."""
    if text is None:
        return None
    from .schema import UnknownKubeVersion, bundled_versions
    from .schema.bundle import normalize_version

    try:
        return normalize_version(text)
    except UnknownKubeVersion as exc:
        message = str(exc)
    except (TypeError, ValueError):
        message = f"{text!r}: bundled versions are {', '.join(bundled_versions())}"
    if where == "--kube-version":
        raise click.BadParameter(message, param_hint=where) from None
    raise click.UsageError(f"{where}: {message}")


def _parse_size(text: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    raw = text.strip().lower().removesuffix("b").removesuffix("i")
    try:
        if raw and raw[-1] in units:
            return int(float(raw[:-1]) * units[raw[-1]])
        return int(raw)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a size (e.g. 16M, 500k, 1048576)") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="k8scheck")
def main():
    """Find what will break in Kubernetes manifests before `kubectl apply`."""


class _PairedOutputs(click.Command):
    """`--output FILE` belongs to the `--format` just before it.

    `--format sarif --output k8scheck.sarif --format text` writes SARIF to the
    file and text to stdout. click has no notion of option order, so the pairs
    are read from the raw arguments before click parses them.
    """

    def parse_args(self, ctx, args):
        pairs: list[list] = []
        rest: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                rest += args[i:]
                break
            value = None
            if arg in ("--format", "-f") and i + 1 < len(args):
                pairs.append([args[i + 1], None])
                rest += args[i : i + 2]
                i += 2
                continue
            if arg.startswith("--format="):
                pairs.append([arg.split("=", 1)[1], None])
            elif arg in ("--output", "-o"):
                if i + 1 >= len(args):
                    raise click.UsageError("--output needs a file name", ctx)
                value = args[i + 1]
                i += 1
            elif arg.startswith("--output="):
                value = arg.split("=", 1)[1]
            if value is not None:
                if not pairs:
                    pairs.append(["text", None])
                if pairs[-1][1] is not None:
                    raise click.UsageError(
                        f"--output {value}: the --format before it already writes to {pairs[-1][1]}", ctx
                    )
                pairs[-1][1] = value
                i += 1
                continue
            rest.append(arg)
            i += 1
        if not any(p[0] for p in pairs):
            pairs = [["text", None]]
        to_stdout = [p[0] for p in pairs if p[1] is None]
        if len(to_stdout) > 1:
            raise click.UsageError(
                f"--format {' and '.join(to_stdout)} would both write to stdout (two documents in one stream); give "
                "all but one an --output FILE",
                ctx,
            )
        ctx.meta["k8scheck.outputs"] = [tuple(p) for p in pairs]
        return super().parse_args(ctx, rest)


FORMAT_NAMES = ["text", "json", "sarif", "github", "junit", "codeclimate"]


def nodes_option(help: str):
    """--nodes, the cluster size a predicting command assumes; ``help`` says what it changes there."""
    return click.option("--nodes", type=click.IntRange(min=1), default=1, show_default=True, help=help)


def image_options(command):
    """--check-images and --image-catalog, shared by every command that predicts pods."""
    command = click.option(
        "--image-catalog",
        type=click.Path(dir_okay=False),
        default=None,
        help="Answer image lookups from this file (air-gapped CI): a list of references, or repository -> tags.",
    )(command)
    command = click.option(
        "--check-images", is_flag=True, help="Ask the registries whether every image exists (network; cached)."
    )(command)
    return command


def _image_settings(check_images, image_catalog, mirrors=(), insecure=()) -> dict:
    pairs = []
    for mirror in mirrors:
        registry, sep, target = mirror.partition("=")
        if not sep or not registry or not target:
            raise click.BadParameter(
                f"{mirror!r}: use REGISTRY=MIRROR, e.g. docker.io=mirror.example.com", param_hint="--registry-mirror"
            )
        pairs.append((registry, target))
    if image_catalog is not None:
        if not os.path.isfile(image_catalog):
            raise click.BadParameter(f"{image_catalog} does not exist", param_hint="--image-catalog")
        from .images import CatalogError, load_catalog

        try:
            load_catalog(image_catalog)  # a broken catalog is a usage error before any work, not a finding
        except CatalogError as exc:
            raise click.BadParameter(str(exc).splitlines()[0], param_hint="--image-catalog") from None
    return dict(
        check_images=check_images,
        image_catalog=image_catalog,
        registry_mirrors=tuple(pairs),
        insecure_registries=tuple(insecure),
    )


def _assumed_pods(value: str) -> tuple:
    """``NS:k=v[,k=v]`` -> (namespace, ((k, v), ...)); a malformed value is a usage error."""
    from .config import pod_labels

    namespace, _, text = value.partition(":")
    pairs = [pair.partition("=") for pair in text.split(",")] if text else []
    if not namespace.strip() or not pairs or any(not k.strip() or not sep for k, sep, _ in pairs):
        raise click.BadParameter(
            f"{value!r}: expected NAMESPACE:LABEL=VALUE[,LABEL=VALUE...] (e.g. shop:app=web)",
            param_hint="--assume-pods",
        )
    return pod_labels(namespace.strip(), {k.strip(): v.strip() for k, _, v in pairs})


# -- the options every command shares ---------------------------------------------------


class Shared(NamedTuple):
    """The options every command takes, as given on the command line (None: not given)."""

    namespace: str | None
    kube_version: str | None
    assume_exists: tuple
    assume_pods: tuple
    config_path: str | None
    no_config: bool
    max_file_size: str
    stdin_filename: str
    exclude: tuple
    skip_non_manifests: bool
    allow_remote: bool
    jobs: int | None
    color: bool | None
    debug: bool


def _assume_exists_values(ctx, param, values) -> tuple:
    """Comma-separated KIND/NAMESPACE/NAME or KIND/NAME patterns; anything else is a usage error."""
    from .config import assume_exists_problem

    patterns = tuple(_split(values))
    for pattern in patterns:
        problem = assume_exists_problem(pattern)
        if problem:
            raise click.BadParameter(problem, param_hint="--assume-exists")
    return patterns


_SHARED_OPTIONS = (
    click.option(
        "--namespace",
        "-n",
        default=None,
        help="Namespace for namespaced objects that set none (default: the config's, else default).",
    ),
    click.option(
        "--kube-version",
        default=None,
        help="Kubernetes version, e.g. 1.31 (default: the config's, else the newest bundled).",
    ),
    click.option(
        "--assume-exists",
        multiple=True,
        callback=_assume_exists_values,
        help=(
            "KIND/NAMESPACE/NAME or KIND/NAME (patterns, comma-separated) of objects that live in the cluster, not in "
            "the inputs."
        ),
    ),
    click.option(
        "--assume-pods",
        multiple=True,
        callback=lambda ctx, param, values: tuple(_assumed_pods(v) for v in values),
        help=(
            "NS:LABEL=VALUE[,LABEL=VALUE]: pods with these labels exist in namespace NS (made by a controller k8scheck "
            "does not know); they satisfy selectors."
        ),
    ),
    click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        default=None,
        help="Configuration file (default: .k8scheck.yaml or pyproject.toml [tool.k8scheck], found by walking up).",
    ),
    click.option("--no-config", is_flag=True, help="Ignore configuration files."),
    click.option("--max-file-size", default="16M", show_default=True, help="Larger files are reported, not read."),
    click.option(
        "--stdin-filename", default="<stdin>", show_default=True, help="Name to report for input read from -."
    ),
    click.option(
        "--exclude",
        "exclude",
        multiple=True,
        help="Pass over files and directories matching this glob in a directory walk (repeatable).",
    ),
    click.option(
        "--skip-non-manifests",
        is_flag=True,
        help="Also pass over named files that hold no Kubernetes object (the pre-commit hook sets it).",
    ),
    click.option(
        "--allow-remote", is_flag=True, help="Let kustomize fetch remote bases and helm chart dependencies (network)."
    ),
    click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=None,
        help="Processes for parsing and checking (default: every core; small runs use one).",
    ),
    click.option(
        "--color/--no-color",
        default=None,
        help="Colour the text output (default: when stdout is a terminal and NO_COLOR is unset).",
    ),
    click.option("--debug", is_flag=True, help="Show a traceback on internal errors."),
)


def shared_options(command):
    """Add the shared options to a command; it receives them as one ``shared: Shared`` argument."""

    @functools.wraps(command)
    def with_shared(*args, **kwargs):
        shared = Shared(**{name: kwargs.pop(name) for name in Shared._fields})
        with collector.paused():  # every command builds millions of small acyclic containers
            return command(*args, shared=shared, **kwargs)

    for option in reversed(_SHARED_OPTIONS):
        with_shared = option(with_shared)
    return with_shared


class Run(NamedTuple):
    """One command's settings: the shared options merged with the configuration file."""

    config: Config
    options: Options
    discovery: Discovery
    max_file_size: int
    stdin_name: str
    jobs: int | None
    color: bool
    debug: bool
    config_paths: tuple[str, ...]  # every path the configuration was looked for at


def _read_config(shared: Shared, looked_at: list[Path]):
    """The configuration; every path it was looked for at is appended to ``looked_at``."""
    from .catalogue import load_catalogue
    from .config import Config, ConfigError, find_config, load_config

    if shared.no_config:
        return Config()
    found: Path | None
    if shared.config_path:
        found = Path(shared.config_path)
        looked_at.append(found)
        if not found.is_file():
            raise ConfigError(f"--config: {shared.config_path} does not exist")
    else:
        found = find_config(looked_at=looked_at)
    if found is None:
        return Config()
    config = load_config(found, load_catalogue())
    for warning in config.warnings:
        click.echo(f"k8scheck: {warning}", err=True)
    return config


def resolve(shared: Shared, **options) -> Run:
    """The run's settings from the shared options and the config file; command-line values win."""
    from .config import ConfigError
    from .context import Options
    from .loader import Discovery

    looked_at: list[Path] = []
    try:
        config = _read_config(shared, looked_at)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    color = shared.color
    if color is None:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return Run(
        config=config,
        options=Options(
            namespace=shared.namespace or config.namespace or "default",
            kube_version=_kube_version(shared.kube_version)
            if shared.kube_version
            else _kube_version(config.kube_version, f"{config.path}: kube-version"),
            params=config.params,
            assume_exists=shared.assume_exists + config.assume_exists,
            assume_pods=shared.assume_pods + config.assume_pods,
            producers=config.producers,
            **options,
        ),
        discovery=Discovery(
            exclude=shared.exclude + config.exclude,
            skip_non_manifests=shared.skip_non_manifests,
            allow_remote=shared.allow_remote,
        ),
        max_file_size=_parse_size(shared.max_file_size),
        stdin_name=shared.stdin_filename,
        jobs=shared.jobs,
        color=bool(color),
        debug=shared.debug,
        config_paths=tuple(str(path) for path in looked_at),
    )


def load_inputs(paths, run: Run):
    """Read and parse the inputs as every command does (lint reads them through its engine)."""
    from .engine import refuse_empty_stdin
    from .loader import parse_inputs, read_inputs

    inputs = read_inputs(
        list(paths), max_file_size=run.max_file_size, stdin_name=run.stdin_name, discovery=run.discovery
    )
    loaded = parse_inputs(inputs, namespace=run.options.namespace, jobs=run.jobs)
    refuse_empty_stdin(loaded, inputs, run.stdin_name)
    context = click.get_current_context(silent=True)
    if context is not None and isinstance(context.obj, CommandProcess):
        context.obj.kept.append(loaded)  # never freed object by object: the process ends at once
    return loaded


def report_inputs(loaded, paths) -> int:
    """Print every unreadable input on stderr as FILE:LINE:COL: SEVERITY: MESSAGE; the exit code it forces.

    2 when no input could be read, 1 when an input (or part of one) could not be
    read (the answer is incomplete), else 0.
    """
    from .engine import input_problems

    problems = input_problems(loaded)
    for problem in problems:
        click.echo(f"{problem.where()}: {problem.severity}: {problem.message}", err=True)
    if not loaded.files:
        if not problems:
            click.echo(_nothing_to_check(paths, loaded.skipped), err=True)
        return EXIT_USAGE
    return EXIT_FINDINGS if any(p.severity == "error" for p in problems) else EXIT_OK


# -- commands ------------------------------------------------------------------------


@main.command(cls=_PairedOutputs)
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "-f",
    "formats",
    type=click.Choice(FORMAT_NAMES),
    multiple=True,
    help="Report format; repeat it for several reports (default text; only one may go to stdout).",
)
@click.option(
    "--output",
    "-o",
    "outputs_placeholder",
    multiple=True,
    help="Write the report of the --format before it to this file (default stdout).",
    expose_value=False,
)
@click.option(
    "--schema-dir",
    "schema_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Extra JSON Schemas ({kind}-{group}-{version}.json) for custom kinds.",
)
@click.option(
    "--select", multiple=True, help="Only these rules (comma-separated slugs); input errors are always reported."
)
@click.option(
    "--ignore", multiple=True, help="Skip these rules (comma-separated slugs); input errors are always reported."
)
@click.option(
    "--fail-on",
    type=SEVERITY_CHOICES,
    default=None,
    help="Exit 1 when a finding is at or above this severity (default: error).",
)
@click.option("--quiet", "-q", is_flag=True, help="One line per finding; nothing when clean.")
@click.option(
    "--context",
    "context_paths",
    multiple=True,
    help="Also load these paths to resolve references; their own findings are not reported.",
)
@click.option(
    "--diff-base",
    default=None,
    help="Git revision: predict the rollouts of Deployments changed since it and report stuck or outage rollouts.",
)
@click.option(
    "--baseline", "baseline_path", default=None, help="Report only findings not recorded in this baseline file."
)
@click.option(
    "--write-baseline",
    "write_baseline_path",
    default=None,
    help="Record every current finding in this file (then adopt with --baseline).",
)
@click.option("--verbose", "-v", is_flag=True, help="List the inputs that were passed over, and why.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Do not read or write the run cache (in $K8SCHECK_CACHE_DIR or the user cache directory).",
)
@image_options
@click.option(
    "--registry-mirror",
    "registry_mirrors",
    multiple=True,
    help="REGISTRY=MIRROR: look images of REGISTRY up at MIRROR.",
)
@click.option("--insecure-registry", "insecure_registries", multiple=True, help="A registry to reach over plain http.")
@shared_options
@click.pass_context
def lint(
    ctx,
    paths,
    formats,
    schema_dirs,
    select,
    ignore,
    fail_on,
    quiet,
    context_paths,
    diff_base,
    baseline_path,
    write_baseline_path,
    verbose,
    no_cache,
    check_images,
    image_catalog,
    registry_mirrors,
    insecure_registries,
    shared,
):
    """Check manifests (files, directories, or - for stdin)."""
    from .engine import Settings, UsageError, baseline_data, read_baseline
    from .engine import lint as run_lint
    from .progress import Progress

    outputs = ctx.meta.get("k8scheck.outputs") or [("text", None)]
    progress = Progress(sys.stderr)
    run = resolve(
        shared,
        schema_dirs=tuple(schema_dirs),
        **_image_settings(check_images, image_catalog, registry_mirrors, insecure_registries),
    )
    config = run.config
    with _internal_errors(run.debug):
        try:
            options = dataclasses.replace(
                run.options, old_manifests=_old_manifests(paths, run, revision=diff_base, option="--diff-base")
            )
            settings = Settings(
                options=options,
                select=tuple(_split(select)) or config.select,
                ignore=tuple(_split(ignore)) + config.ignore,
                severity=config.severity,
                config=config,
                context=tuple(context_paths) or config.context,
                baseline=read_baseline(baseline_path) if baseline_path else None,
                max_file_size=run.max_file_size,
                stdin_name=run.stdin_name,
                discovery=run.discovery,
                use_cache=not no_cache,
                jobs=run.jobs,
                progress=progress,
                retain=ctx.obj.kept if isinstance(ctx.obj, CommandProcess) else None,
            )
            report = run_lint(list(paths), settings=settings)
            progress.finish()
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
    _write_reports(report, outputs, color=run.color, quiet=quiet, verbose=verbose)
    if isinstance(ctx.obj, Recorder) and report.watched is not None and not write_baseline_path:
        if all(target is None for _, target in outputs):
            ctx.obj.watch([*report.watched, *run.config_paths, *([baseline_path] if baseline_path else [])])
    if write_baseline_path:
        import json

        Path(write_baseline_path).write_text(json.dumps(baseline_data(report), indent=2) + "\n", encoding="utf-8")
        click.echo(f"k8scheck: recorded {len(report.findings)} finding(s) in {write_baseline_path}", err=True)
        sys.exit(EXIT_OK)
    if not report.files:
        if not report.errors:
            click.echo(_nothing_to_check(paths, report.skipped), err=True)
        sys.exit(EXIT_USAGE)
    threshold = fail_on or config.fail_on or "error"
    sys.exit(EXIT_FINDINGS if report.worst_at_or_above(threshold) else EXIT_OK)


def _nothing_to_check(paths, skipped) -> str:
    """Why a run read no file: none found, or every one found passed over (templates, other tools' files)."""
    where = ", ".join(paths)
    if skipped:
        found = f"{len(skipped)} file" + ("s" if len(skipped) != 1 else "")
        return f"k8scheck: nothing to check in {where}: {found} found, all passed over (--verbose says why)"
    return f"k8scheck: no manifest files (*.yaml, *.yml, *.json) found in {where}"


def _write_reports(report, outputs, *, color, quiet, verbose) -> None:
    """Each --format to stdout (target None) or to its --output file."""
    for output_format, target in outputs:
        if target is None:
            click.echo(_rendered(report, output_format, color, quiet, verbose), nl=False, color=color)
            continue
        try:
            Path(target).write_text(_rendered(report, output_format, False, quiet, verbose), encoding="utf-8")
        except OSError as exc:
            raise click.UsageError(f"--output {target}: {exc.strerror or exc}") from None


def _rendered(report, output_format: str, color: bool, quiet: bool, verbose: bool) -> str:
    """The report in one format; a report from the run cache was rendered before, in the same way."""
    from . import runcache
    from .report import FORMATS

    def render() -> str:
        return FORMATS[output_format](report, color=color, quiet=quiet, verbose=verbose)

    if report.cache_key is None:
        return render()
    return runcache.rendered(report.cache_key, f"{output_format} color={color} quiet={quiet} verbose={verbose}", render)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--from", "from_paths", multiple=True, help="The manifests as applied now (files or directories).")
@click.option(
    "--from-git", "from_git", default=None, help="Compare with the same paths at this git revision (e.g. main)."
)
@click.option(
    "--new-pods",
    type=click.Choice(["auto", "ready", "fail"]),
    default="auto",
    show_default=True,
    help="auto: predict from the manifests; fail: what if the new version never becomes ready.",
)
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "mermaid"]), default="text", show_default=True
)
@nodes_option("Nodes a DaemonSet runs on.")
@image_options
@shared_options
def rollout(paths, from_paths, from_git, new_pods, output_format, nodes, check_images, image_catalog, shared):
    """Predict the rollout each changed Deployment will go through, step by step.

    Exit code 1 when a rollout is predicted to get stuck or cause an outage, or an
    input could not be read; 2 when no input could be read.
    """
    from .context import Context
    from .report.rollout import ROLLOUT_FORMATS
    from .rolloutplan import ROLLOUT_KINDS, plan

    run = resolve(shared, **_image_settings(check_images, image_catalog))
    old = _old_manifests(paths, run, from_paths=from_paths, revision=from_git)
    with _internal_errors(run.debug):
        loaded = load_inputs(paths, run)
        ctx = Context(loaded, run.options)
        predictions = plan(
            ctx,
            old,
            new_pods=new_pods,
            kube_version=ctx.kube_version,
            image_verdicts=ctx.image_verdicts,
            kinds=ROLLOUT_KINDS,
            nodes=nodes,
        )
    status = report_inputs(loaded, paths)
    if status == EXIT_USAGE:
        sys.exit(status)
    click.echo(ROLLOUT_FORMATS[output_format](predictions), nl=False)
    # Paused and OnDelete rollouts are not failures; stuck, outage and rejected ones are.
    sys.exit(
        max(
            status, EXIT_FINDINGS if any(p.outcome in ("stuck", "outage", "rejected") for p in predictions) else EXIT_OK
        )
    )


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@nodes_option("Schedulable nodes to assume (DaemonSet pods, pod anti-affinity).")
@image_options
@shared_options
def simulate(paths, output_format, nodes, check_images, image_catalog, shared):
    """Predict `kubectl get deploy,rs,pod,endpoints` after applying PATHS.

    Exit code 1 when an input could not be read (the prediction is incomplete), 2
    when no input could be read.
    """
    from .context import Context
    from .report.cluster import CLUSTER_FORMATS
    from .simulate.cluster import simulate_cluster

    run = resolve(shared, **_image_settings(check_images, image_catalog))
    with _internal_errors(run.debug):
        loaded = load_inputs(paths, run)
        cluster = simulate_cluster(Context(loaded, run.options), nodes=nodes)
    status = report_inputs(loaded, paths)
    if status == EXIT_USAGE:
        sys.exit(status)
    click.echo(CLUSTER_FORMATS[output_format](cluster), nl=False)
    sys.exit(status)


@main.command()
@click.argument("target")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--from", "from_paths", multiple=True, help="The manifests as applied now: also check the rollout window."
)
@click.option("--from-git", "from_git", default=None, help="Compare with the same paths at this git revision.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--client",
    default=None,
    help=(
        "Where the request comes from: KIND/NAME (deploy/web) or outside (default: outside for NodePort, the ingress "
        "controller for URLs)."
    ),
)
@click.option(
    "--client-namespace", default=None, help="Namespace of the client (default: --namespace); alone: some pod there."
)
@nodes_option("Nodes to assume (traffic policy Local drops traffic on nodes without a local endpoint).")
@image_options
@shared_options
def why(
    target,
    paths,
    from_paths,
    from_git,
    output_format,
    client,
    client_namespace,
    nodes,
    check_images,
    image_catalog,
    shared,
):
    """Explain, hop by hop, why a request to TARGET would fail.

    TARGET: http://HOST[:PORT]/PATH, svc/NAME[:PORT], NAME[.NAMESPACE[.svc[.cluster.local]]][:PORT],
    nodeport:PORT or deploy/NAME. Exit code 0 when the request would succeed, 1 when it
    would fail or an input could not be read, 2 for a bad target or no readable input.
    """
    from .context import Context
    from .report.why import WHY_FORMATS
    from .why import TargetError, Walker, parse_target

    run = resolve(shared, **_image_settings(check_images, image_catalog))
    old = _old_manifests(paths, run, from_paths=from_paths, revision=from_git)
    with _internal_errors(run.debug):
        try:
            parsed = parse_target(target, run.options.namespace)
            loaded = load_inputs(paths, run)
            verdict = Walker(
                Context(loaded, run.options), old, client=client, client_namespace=client_namespace, nodes=nodes
            ).walk(parsed)
        except TargetError as exc:
            click.echo(f"k8scheck why: {exc}", err=True)
            sys.exit(EXIT_USAGE)
    status = report_inputs(loaded, paths)
    if status == EXIT_USAGE:
        sys.exit(status)
    click.echo(WHY_FORMATS[output_format](verdict), nl=False)
    sys.exit(max(status, EXIT_OK if verdict.reachable else EXIT_FINDINGS))


@main.command("graph")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["mermaid", "dot", "json"]),
    default="mermaid",
    show_default=True,
    help="Drawing format.",
)
@shared_options
def graph(paths, output_format, shared):
    """Draw how the objects refer to each other; broken references in red.

    Exit code 1 when an input could not be read (the drawing is incomplete), 2
    when no input could be read.
    """
    from .context import Context
    from .engine import active_rules, run_rules
    from .graphviz import GRAPH_RULES, drawing, render
    from .parallel import PARALLEL_MIN_OBJECTS, in_background

    run = resolve(shared)
    with _internal_errors(run.debug):
        loaded = load_inputs(paths, run)
        background = len(loaded.manifests) >= PARALLEL_MIN_OBJECTS and run.jobs != 1
        # A large graph: the rules run in another process (one: the two cores are taken) while this
        # one lays out the drawing, which needs only the graph; the findings then mark it.
        ctx = Context(loaded, run.options, jobs=1 if background else run.jobs)
        rules = active_rules(select=GRAPH_RULES)
        graph = ctx.graph
        if background:
            pending = in_background(lambda: [checked.finding for checked in run_rules(ctx, rules)[0]])
            drawn = drawing(graph)
            findings = pending.get()
        else:
            drawn, findings = None, [checked.finding for checked in run_rules(ctx, rules)[0]]
        text = render(graph, findings, output_format, drawn)
    status = report_inputs(loaded, paths)
    if status == EXIT_USAGE:
        sys.exit(status)
    click.echo(text, nl=False)
    sys.exit(status)


@main.command("rules")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True
)
def list_rules(output_format):
    """List every rule: slug, group, severity, summary (groups off by default are marked)."""
    import json

    from . import ruledoc
    from .catalogue import GROUPS, load_catalogue

    catalogue = load_catalogue()
    if output_format == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "slug": r.slug,
                        "group": r.group,
                        "default": GROUPS[r.group].on_by_default,
                        "severity": r.severity,
                        "status": r.status,
                        "since": r.since,
                        "summary": r.summary,
                        "remediation": r.remediation,
                        "params": r.params,
                    }
                    for r in catalogue.values()
                ],
                indent=2,
            )
        )
        return
    if output_format == "markdown":
        click.echo(ruledoc.table(catalogue), nl=False)
        return
    width = max(len(slug) for slug in catalogue)
    for slug, rule in catalogue.items():
        group = rule.group if GROUPS[rule.group].on_by_default else f"{rule.group}*"
        click.echo(f"{slug:<{width}}  {group:<14}  {rule.severity:<7}  {rule.summary}")
    click.echo(
        f"{INPUT_ERROR:<{width}}  {'input':<14}  {'error':<7}  {INPUT_ERROR_SUMMARY} (not a rule: always reported)"
    )
    click.echo("\n* off by default: enable with --select default,GROUP (or select: in the config)")
    click.echo("groups: " + ", ".join(GROUPS))


# The label of inputs that could not be read at all: not a rule (nothing to select,
# ignore or suppress), but `k8scheck rule input-error` explains it.
INPUT_ERROR = "input-error"
INPUT_ERROR_SUMMARY = "An input could not be read as Kubernetes objects"
INPUT_ERROR_DOC = f"""{INPUT_ERROR} (error; not a rule: always reported, cannot be selected, ignored or suppressed)

{INPUT_ERROR_SUMMARY}.

What it means
  A path names no file, a file is larger than --max-file-size, binary or not UTF-8
  (or UTF-16/32 with a BOM) text, a directory or symlink cannot be followed, a
  kustomization or chart cannot be rendered, a Go/Helm template was given unrendered,
  or stdin (-) held no YAML document. Nothing in that input was checked.

Exit codes
  lint exits 1 when an input error is reported beside readable inputs, 2 when no
  input could be read. simulate, rollout, why and graph print input errors (and
  yaml-syntax, duplicate-key and document-not-object errors) on stderr as
  FILE:LINE:COL: error: MESSAGE, still answer from what they could read, and exit 1
  (their answer is incomplete), or 2 when no input could be read.

Use instead
  Fix the path or the file, raise --max-file-size, render templates first
  (helm template CHART | k8scheck lint -), or pass --allow-remote for remote bases.
"""


@main.command("rule")
@click.argument("slug")
def show_rule(slug):
    """Print one rule's documentation."""
    from . import ruledoc
    from .catalogue import load_catalogue
    from .engine import UsageError, resolve_rule_names

    catalogue = load_catalogue()
    if slug == INPUT_ERROR:
        click.echo(INPUT_ERROR_DOC, nl=False)
        return
    try:
        resolve_rule_names([slug], catalogue, "rule")
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    if slug not in catalogue:
        raise click.UsageError(f"{slug} is a group, not a rule; `k8scheck rules` lists its rules")
    click.echo(ruledoc.text(catalogue[slug]), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
