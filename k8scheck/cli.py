"""The command line: a thin layer that wires options to the pipeline."""

from __future__ import annotations

import os
import sys

import click

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
SEVERITY_CHOICES = click.Choice(["error", "warning", "info"])


def _split(values) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _internal_error(exc: Exception, debug: bool):
    """Never a traceback for users: one line and exit 2; --debug shows the traceback."""
    from .images import CatalogError

    if isinstance(exc, click.ClickException):  # usage errors raised inside a command's work
        raise exc
    if isinstance(exc, CatalogError):  # a bad --image-catalog file is the user's to fix
        raise click.UsageError(f"--image-catalog: {exc}") from None
    if debug:
        raise exc
    click.echo(f"k8scheck: internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)", err=True)
    sys.exit(EXIT_USAGE)


def _stop_if_unreadable(loaded) -> None:
    """Name every input that could not be read; exit 2 when none could."""
    for error in loaded.errors:
        click.echo(f"{error.file}: {error.severity}: {error.message}", err=True)
    if not loaded.files:
        sys.exit(EXIT_USAGE)


def _old_manifests(paths, namespace, *, from_paths=(), revision=None, option="--from-git"):
    """The applied state to compare with: --from paths, or the same paths at a git revision (None: neither)."""
    if from_paths and revision:
        raise click.UsageError("use either --from or --from-git, not both")
    from .loader import load

    if from_paths:
        return load(list(from_paths), namespace=namespace).manifests
    if not revision:
        return None
    import shutil

    from .gitsource import GitError, materialize

    try:
        scratch, old_paths = materialize(revision, [p for p in paths if p != "-"])
    except GitError as exc:
        raise click.BadParameter(f"{revision}: {exc}", param_hint=option) from None
    try:
        return load(old_paths, namespace=namespace).manifests
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _kube_version(text):
    """Validate --kube-version early: a clear usage error naming what is bundled."""
    if text is None:
        return None
    from .schema import UnknownKubeVersion, bundled_versions
    from .schema.bundle import normalize_version

    try:
        return normalize_version(text)
    except UnknownKubeVersion as exc:
        raise click.BadParameter(str(exc), param_hint="--kube-version") from None
    except Exception:
        raise click.BadParameter(f"{text!r}: bundled versions are {', '.join(bundled_versions())}", param_hint="--kube-version") from None


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
                    raise click.UsageError(f"--output {value}: the --format before it already writes to {pairs[-1][1]}", ctx)
                pairs[-1][1] = value
                i += 1
                continue
            rest.append(arg)
            i += 1
        if not any(p[0] for p in pairs):
            pairs = [["text", None]]
        ctx.meta["k8scheck.outputs"] = [tuple(p) for p in pairs]
        return super().parse_args(ctx, rest)


FORMAT_NAMES = ["text", "json", "sarif", "github", "junit", "codeclimate"]


def image_options(command):
    """--check-images and --image-catalog, shared by every command that predicts pods."""
    command = click.option("--image-catalog", type=click.Path(dir_okay=False), default=None, help="Answer image lookups from this file (air-gapped CI): a list of references, or repository -> tags.")(command)
    command = click.option("--check-images", is_flag=True, help="Ask the registries whether every image exists (network; cached).")(command)
    return command


def _image_settings(check_images, image_catalog, mirrors=(), insecure=()) -> dict:
    pairs = []
    for mirror in mirrors:
        registry, sep, target = mirror.partition("=")
        if not sep or not registry or not target:
            raise click.BadParameter(f"{mirror!r}: use REGISTRY=MIRROR, e.g. docker.io=mirror.example.com", param_hint="--registry-mirror")
        pairs.append((registry, target))
    if image_catalog is not None:
        if not os.path.isfile(image_catalog):
            raise click.BadParameter(f"{image_catalog} does not exist", param_hint="--image-catalog")
        from .images import CatalogError, load_catalog

        try:
            load_catalog(image_catalog)  # a broken catalog is a usage error before any work, not a finding
        except CatalogError as exc:
            raise click.BadParameter(str(exc).splitlines()[0], param_hint="--image-catalog") from None
    return dict(check_images=check_images, image_catalog=image_catalog, registry_mirrors=tuple(pairs), insecure_registries=tuple(insecure))


def _assumed_pods(value: str) -> tuple:
    """``NS:k=v[,k=v]`` -> (namespace, ((k, v), ...)); a malformed value is a usage error."""
    from .config import pod_labels

    namespace, _, text = value.partition(":")
    pairs = [pair.partition("=") for pair in text.split(",")] if text else []
    if not namespace.strip() or not pairs or any(not k.strip() or not sep for k, sep, _ in pairs):
        raise click.BadParameter(f"{value!r}: expected NAMESPACE:LABEL=VALUE[,LABEL=VALUE...] (e.g. shop:app=web)", param_hint="--assume-pods")
    return pod_labels(namespace.strip(), {k.strip(): v.strip() for k, _, v in pairs})


@main.command(cls=_PairedOutputs)
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "-f", "formats", type=click.Choice(FORMAT_NAMES), multiple=True, help="Report format; repeat it for several reports (default text).")
@click.option("--output", "-o", "outputs_placeholder", multiple=True, help="Write the report of the --format before it to this file (default stdout).", expose_value=False)
@click.option("--namespace", "-n", default=None, help="Namespace for namespaced objects that set none (default: default).")
@click.option("--kube-version", default=None, help="Kubernetes version to check against, e.g. 1.31 (default: the newest bundled).")
@click.option("--schema-dir", "schema_dirs", multiple=True, type=click.Path(file_okay=False), help="Extra JSON Schemas ({kind}-{group}-{version}.json) for custom kinds.")
@click.option("--select", multiple=True, help="Only these rules (comma-separated slugs).")
@click.option("--ignore", multiple=True, help="Skip these rules (comma-separated slugs).")
@click.option("--fail-on", type=SEVERITY_CHOICES, default=None, help="Exit 1 when a finding is at or above this severity (default: error).")
@click.option("--quiet", "-q", is_flag=True, help="One line per finding; nothing when clean.")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: when stdout is a terminal).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="Configuration file (default: .k8scheck.yaml or pyproject.toml [tool.k8scheck], found by walking up).")
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option("--context", "context_paths", multiple=True, help="Also load these paths to resolve references; their own findings are not reported.")
@click.option("--assume-exists", multiple=True, help="KIND/NAMESPACE/NAME (patterns allowed) of objects that live in the cluster, not in the inputs.")
@click.option("--assume-pods", multiple=True, callback=lambda ctx, param, values: tuple(_assumed_pods(v) for v in values), help="NS:LABEL=VALUE[,LABEL=VALUE]: pods with these labels exist in namespace NS (made by a controller k8scheck does not know); they satisfy selectors.")
@click.option("--diff-base", default=None, help="Git revision: predict the rollouts of Deployments changed since it and report stuck or outage rollouts.")
@click.option("--baseline", "baseline_path", default=None, help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", "write_baseline_path", default=None, help="Record every current finding in this file (then adopt with --baseline).")
@click.option("--max-file-size", default="16M", show_default=True, help="Larger files are reported, not read.")
@click.option("--stdin-filename", default="<stdin>", show_default=True, help="Name to report for input read from -.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Processes for parsing (default: every core; small runs use one).")
@click.option("--exclude", "exclude", multiple=True, help="Pass over files and directories matching this glob in a directory walk (repeatable).")
@click.option("--skip-non-manifests", is_flag=True, help="Also pass over named files that hold no Kubernetes object (the pre-commit hook sets it).")
@click.option("--allow-remote", is_flag=True, help="Let kustomize fetch remote bases and helm chart dependencies (network).")
@click.option("--verbose", "-v", is_flag=True, help="List the inputs that were passed over, and why.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the run cache (in $K8SCHECK_CACHE_DIR or the user cache directory).")
@image_options
@click.option("--registry-mirror", "registry_mirrors", multiple=True, help="REGISTRY=MIRROR: look images of REGISTRY up at MIRROR.")
@click.option("--insecure-registry", "insecure_registries", multiple=True, help="A registry to reach over plain http.")
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
@click.pass_context
def lint(ctx, paths, formats, namespace, kube_version, schema_dirs, select, ignore, fail_on, quiet, color, config_path, no_config, context_paths, assume_exists, assume_pods, diff_base, baseline_path, write_baseline_path, max_file_size, stdin_filename, jobs, exclude, skip_non_manifests, allow_remote, verbose, no_cache, check_images, image_catalog, registry_mirrors, insecure_registries, debug):
    """Check manifests (files, directories, or - for stdin)."""
    from pathlib import Path

    from .catalogue import load_catalogue
    from .config import Config, ConfigError, find_config, load_config
    from .context import Options
    from .engine import Settings, UsageError, baseline_data, lint as run_lint, read_baseline
    from .loader import Discovery
    from .report import FORMATS

    from .progress import Progress

    outputs = ctx.meta.get("k8scheck.outputs") or [("text", None)]
    progress = Progress(sys.stderr)
    try:
        config = Config()
        if not no_config:
            found = Path(config_path) if config_path else find_config()
            if config_path and not found.is_file():
                raise ConfigError(f"--config: {config_path} does not exist")
            if found is not None:
                config = load_config(found, load_catalogue())
        options = Options(
            namespace=namespace or config.namespace or "default",
            kube_version=_kube_version(kube_version or config.kube_version),
            schema_dirs=tuple(schema_dirs),
            params=config.params,
            assume_exists=tuple(assume_exists) + config.assume_exists,
            assume_pods=assume_pods + config.assume_pods,
            producers=config.producers,
            **_image_settings(check_images, image_catalog, registry_mirrors, insecure_registries),
            old_manifests=_old_manifests(paths, namespace or config.namespace or "default", revision=diff_base, option="--diff-base"),
        )
        settings = Settings(
            options=options,
            select=tuple(_split(select)) or config.select,
            ignore=tuple(_split(ignore)) + config.ignore,
            severity=config.severity,
            config=config,
            context=tuple(context_paths) or config.context,
            baseline=read_baseline(baseline_path) if baseline_path else None,
            max_file_size=_parse_size(max_file_size),
            stdin_name=stdin_filename,
            discovery=Discovery(exclude=tuple(exclude) + config.exclude, skip_non_manifests=skip_non_manifests, allow_remote=allow_remote),
            use_cache=not no_cache,
            jobs=jobs,
            progress=progress,
        )
        report = run_lint(list(paths), settings=settings)
        progress.finish()
    except (UsageError, ConfigError) as exc:
        raise click.UsageError(str(exc)) from None
    except click.ClickException:
        raise
    except Exception as exc:  # never a traceback for users; --debug shows it
        _internal_error(exc, debug)
    if color is None:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for output_format, target in outputs:
        if target is None:
            click.echo(FORMATS[output_format](report, color=color, quiet=quiet, verbose=verbose), nl=False, color=color)
            continue
        try:
            Path(target).write_text(FORMATS[output_format](report, color=False, quiet=quiet, verbose=verbose), encoding="utf-8")
        except OSError as exc:
            raise click.UsageError(f"--output {target}: {exc.strerror or exc}") from None
    if write_baseline_path:
        import json

        Path(write_baseline_path).write_text(json.dumps(baseline_data(report), indent=2) + "\n", encoding="utf-8")
        click.echo(f"k8scheck: recorded {len(report.findings)} finding(s) in {write_baseline_path}", err=True)
        sys.exit(EXIT_OK)
    if not report.files:
        if not report.errors:
            click.echo(f"k8scheck: no manifest files (*.yaml, *.yml, *.json) found in {', '.join(paths)}", err=True)
        sys.exit(EXIT_USAGE)
    threshold = fail_on or config.fail_on or "error"
    sys.exit(EXIT_FINDINGS if report.worst_at_or_above(threshold) else EXIT_OK)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--from", "from_paths", multiple=True, help="The manifests as applied now (files or directories).")
@click.option("--from-git", "from_git", default=None, help="Compare with the same paths at this git revision (e.g. main).")
@click.option("--new-pods", type=click.Choice(["auto", "ready", "fail"]), default="auto", show_default=True, help="auto: predict from the manifests; fail: what if the new version never becomes ready.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "mermaid"]), default="text", show_default=True)
@click.option("--kube-version", default=None, help="Kubernetes version (event texts changed in 1.32; default: newest bundled).")
@click.option("--namespace", "-n", default="default", show_default=True)
@click.option("--assume-exists", multiple=True, help="KIND/NAMESPACE/NAME of objects that live in the cluster.")
@image_options
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def rollout(paths, from_paths, from_git, new_pods, output_format, kube_version, namespace, assume_exists, check_images, image_catalog, debug):
    """Predict the rollout each changed Deployment will go through, step by step.

    Exit code 1 when a rollout is predicted to get stuck or cause an outage.
    """
    from .context import Context, Options
    from .loader import load
    from .report.rollout import ROLLOUT_FORMATS
    from .rolloutplan import plan

    version = _kube_version(kube_version)
    options = Options(namespace=namespace, kube_version=version, assume_exists=tuple(assume_exists), **_image_settings(check_images, image_catalog))
    old = _old_manifests(paths, namespace, from_paths=from_paths, revision=from_git)
    try:
        loaded = load(list(paths), namespace=namespace)
        ctx = Context(loaded, options)
        predictions = plan(ctx, old, new_pods=new_pods, kube_version=ctx.kube_version, image_verdicts=ctx.image_verdicts)
    except Exception as exc:
        _internal_error(exc, debug)
    _stop_if_unreadable(loaded)
    click.echo(ROLLOUT_FORMATS[output_format](predictions), nl=False)
    sys.exit(EXIT_FINDINGS if any(p.outcome != "complete" for p in predictions) else EXIT_OK)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--namespace", "-n", default="default", show_default=True)
@click.option("--assume-exists", multiple=True, help="KIND/NAMESPACE/NAME of objects that live in the cluster.")
@image_options
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def simulate(paths, output_format, namespace, assume_exists, check_images, image_catalog, debug):
    """Predict `kubectl get deploy,rs,pod,endpoints` after applying PATHS."""
    from .context import Context, Options
    from .loader import load
    from .report.cluster import CLUSTER_FORMATS
    from .simulate.cluster import simulate_cluster

    try:
        loaded = load(list(paths), namespace=namespace)
        cluster = simulate_cluster(Context(loaded, Options(namespace=namespace, assume_exists=tuple(assume_exists), **_image_settings(check_images, image_catalog))))
    except Exception as exc:
        _internal_error(exc, debug)
    _stop_if_unreadable(loaded)
    click.echo(CLUSTER_FORMATS[output_format](cluster), nl=False)


@main.command()
@click.argument("target")
@click.argument("paths", nargs=-1, required=True)
@click.option("--from", "from_paths", multiple=True, help="The manifests as applied now: also check the rollout window.")
@click.option("--from-git", "from_git", default=None, help="Compare with the same paths at this git revision.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--kube-version", default=None, help="Kubernetes version of the cluster (removed APIs are never created; default: newest bundled).")
@click.option("--namespace", "-n", default="default", show_default=True)
@click.option("--assume-exists", multiple=True, help="KIND/NAMESPACE/NAME of objects that live in the cluster.")
@image_options
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def why(target, paths, from_paths, from_git, output_format, kube_version, namespace, assume_exists, check_images, image_catalog, debug):
    """Explain, hop by hop, why a request to TARGET would fail.

    TARGET: http://HOST[:PORT]/PATH, svc/NAME[:PORT], NAME[.NAMESPACE[.svc[.cluster.local]]][:PORT],
    nodeport:PORT or deploy/NAME. Exit code 0 when the request would succeed, 1 when it
    would fail, 2 for a bad target.
    """
    from .context import Context, Options
    from .loader import load
    from .report.why import WHY_FORMATS
    from .why import TargetError, Walker, parse_target

    old = _old_manifests(paths, namespace, from_paths=from_paths, revision=from_git)
    try:
        parsed = parse_target(target, namespace)
        loaded = load(list(paths), namespace=namespace)
        ctx = Context(loaded, Options(namespace=namespace, kube_version=_kube_version(kube_version), assume_exists=tuple(assume_exists), **_image_settings(check_images, image_catalog)))
        verdict = Walker(ctx, old).walk(parsed)
    except TargetError as exc:
        click.echo(f"k8scheck why: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException:
        raise
    except Exception as exc:
        _internal_error(exc, debug)
    if not loaded.files:
        for error in loaded.errors:
            click.echo(f"{error.file}: {error.severity}: {error.message}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(WHY_FORMATS[output_format](verdict), nl=False)
    sys.exit(EXIT_OK if verdict.reachable else EXIT_FINDINGS)


@main.command("graph")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["mermaid", "dot", "json"]), default="mermaid", show_default=True, help="Drawing format.")
@click.option("--namespace", "-n", default="default", show_default=True, help="Namespace for namespaced objects that set none.")
@click.option("--assume-exists", multiple=True, help="Objects that live in the cluster, not the inputs: KIND/NAMESPACE/NAME patterns (fnmatch, comma-separated).")
@click.option("--max-file-size", default="16M", show_default=True, help="Larger files are reported, not read.")
@click.option("--stdin-filename", default="<stdin>", show_default=True, help="Name to report for input read from -.")
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def graph(paths, output_format, namespace, assume_exists, max_file_size, stdin_filename, debug):
    """Draw how the objects refer to each other; broken references in red."""
    from .context import Context, Options
    from .engine import active_rules, run_rules
    from .graphviz import GRAPH_RULES, render
    from .loader import load

    try:
        loaded = load(list(paths), namespace=namespace, max_file_size=_parse_size(max_file_size), stdin_name=stdin_filename)
        ctx = Context(loaded, Options(namespace=namespace, assume_exists=tuple(_split(assume_exists))))
        findings = run_rules(ctx, active_rules(select=GRAPH_RULES))[0]
        text = render(ctx.graph, findings, output_format)
    except Exception as exc:  # never a traceback for users; --debug shows it
        _internal_error(exc, debug)
    for error in loaded.errors:
        where = f"{error.file}:{error.line}" if error.line else error.file
        click.echo(f"k8scheck: {where}: {error.message}", err=True)
    click.echo(text, nl=False)
    if not loaded.files:
        if not loaded.errors:
            click.echo(f"k8scheck: no manifest files (*.yaml, *.yml, *.json) found in {', '.join(paths)}", err=True)
        sys.exit(EXIT_USAGE)


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
def list_rules(output_format):
    """List every rule: slug, severity, summary."""
    import json

    from .catalogue import load_catalogue

    catalogue = load_catalogue()
    if output_format == "json":
        click.echo(json.dumps([{"slug": r.slug, "severity": r.severity, "summary": r.summary, "params": r.params} for r in catalogue.values()], indent=2))
        return
    if output_format == "markdown":
        click.echo("| rule | severity | finds |\n|---|---|---|")
        for slug, rule in catalogue.items():
            click.echo(f"| `{slug}` | {rule.severity} | {rule.summary} |")
        return
    width = max(len(slug) for slug in catalogue)
    for slug, rule in catalogue.items():
        click.echo(f"{slug:<{width}}  {rule.severity:<7}  {rule.summary}")


@main.command("rule")
@click.argument("slug")
def show_rule(slug):
    """Print one rule's documentation."""
    from .catalogue import load_catalogue
    from .engine import UsageError, resolve_rule_names

    catalogue = load_catalogue()
    try:
        resolve_rule_names([slug], catalogue, "rule")
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(render_rule_doc(catalogue[slug]), nl=False)


def render_rule_doc(rule) -> str:
    docs = rule.docs
    out = [f"{rule.slug} ({rule.severity})", "", rule.summary, "", "What it does", f"  {docs['what'].strip()}", "", "Why is this bad", f"  {docs['why'].strip()}", ""]
    if rule.params:
        out.append("Parameters")
        for name, spec in rule.params.items():
            out.append(f"  {name} (default {spec['default']!r}): {spec['description']}")
        out.append("")
    out.append("Example")
    out += ["  " + line for line in docs["example"].rstrip().splitlines()]
    out += ["", "Use instead"]
    out += ["  " + line for line in docs["fix"].rstrip().splitlines()]
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    main()
