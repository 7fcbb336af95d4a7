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


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Report format.")
@click.option("--namespace", "-n", default="default", show_default=True, help="Namespace for namespaced objects that set none.")
@click.option("--select", multiple=True, help="Only these rules (comma-separated slugs).")
@click.option("--ignore", multiple=True, help="Skip these rules (comma-separated slugs).")
@click.option("--fail-on", type=SEVERITY_CHOICES, default="error", show_default=True, help="Exit 1 when a finding is at or above this severity.")
@click.option("--quiet", "-q", is_flag=True, help="One line per finding; nothing when clean.")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: when stdout is a terminal).")
@click.option("--max-file-size", default="16M", show_default=True, help="Larger files are reported, not read.")
@click.option("--stdin-filename", default="<stdin>", show_default=True, help="Name to report for input read from -.")
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def lint(paths, output_format, namespace, select, ignore, fail_on, quiet, color, max_file_size, stdin_filename, debug):
    """Check manifests (files, directories, or - for stdin)."""
    from .context import Options
    from .engine import UsageError, lint as run_lint
    from .report import FORMATS

    try:
        report = run_lint(
            list(paths),
            options=Options(namespace=namespace),
            select=_split(select),
            ignore=_split(ignore),
            max_file_size=_parse_size(max_file_size),
            stdin_name=stdin_filename,
        )
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except Exception as exc:  # never a traceback for users; --debug shows it
        if debug:
            raise
        click.echo(f"k8scheck: internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)", err=True)
        sys.exit(EXIT_USAGE)
    if color is None:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(FORMATS[output_format](report, color=color, quiet=quiet), nl=False)
    if not report.files:
        if not report.errors:
            click.echo(f"k8scheck: no manifest files (*.yaml, *.yml, *.json) found in {', '.join(paths)}", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if report.worst_at_or_above(fail_on) else EXIT_OK)


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
        if debug:
            raise
        click.echo(f"k8scheck: internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)", err=True)
        sys.exit(EXIT_USAGE)
    for error in loaded.errors:
        where = f"{error.file}:{error.line}" if error.line else error.file
        click.echo(f"k8scheck: {where}: {error.message}", err=True)
    click.echo(text, nl=False)
    if not loaded.files:
        if not loaded.errors:
            click.echo(f"k8scheck: no manifest files (*.yaml, *.yml, *.json) found in {', '.join(paths)}", err=True)
        sys.exit(EXIT_USAGE)


@main.command("rules")
def list_rules():
    """List every rule: slug, severity, summary."""
    from .catalogue import load_catalogue

    catalogue = load_catalogue()
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
