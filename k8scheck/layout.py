"""How a repository is applied: the units a directory walk finds.

A directory walk does not read every YAML file as a manifest. It recognises:

- **kustomizations** (a directory holding ``kustomization.yaml``): each is rendered
  as one unit; a kustomization that another kustomization in the walk consumes
  (``resources``, ``components``) is checked through its consumers, every file
  a kustomization consumes (resources, patches, generator inputs, transformer
  configs...) is not also read raw, and a file beside what it lists that it does
  not list is passed over when it lists most files there (``kubectl apply -k``
  never applies it);
- **Helm charts** (a directory holding ``Chart.yaml``): rendered with ``helm
  template`` when helm is installed, otherwise skipped with the command to check it;
- **plain files**: everything else, one unit per walk.

Nothing here reads a manifest: this module only decides what is read and how.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
CHART_FILE = "Chart.yaml"
# Entries that name another repository: kustomize would fetch them over the network.
_REMOTE_PREFIXES = (
    "github.com/",
    "gitlab.com/",
    "bitbucket.org/",
    "git@",
    "git::",
    "ssh://",
    "http://",
    "https://",
    "file://",
)


@dataclass(frozen=True)
class Skipped:
    """An input passed over on purpose, and why (``--verbose`` lists them)."""

    path: str
    reason: str


@dataclass
class KustomizationFile:
    """What one kustomization consumes, read from its file (never rendered here)."""

    directory: str
    is_component: bool = False
    files: set = field(default_factory=set)  # real paths of consumed files
    directories: set = field(default_factory=set)  # real paths of consumed kustomization directories
    patches: list = field(default_factory=list)  # display paths of strategic-merge patch files, in order
    remote: list = field(default_factory=list)  # entries that need the network
    helm_charts: bool = False
    problem: str | None = None  # the file itself cannot be read
    bundle_base: str | None = None  # an OLM ClusterServiceVersion base it lists (operator-sdk's bundle input)
    resource_files: int = 0  # files among its resources (not directories, not patches or generator inputs)


def find_kustomization_file(directory: str) -> str | None:
    for name in KUSTOMIZATION_NAMES:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


def is_kustomization(directory: str) -> bool:
    return os.path.isdir(directory) and find_kustomization_file(directory) is not None


def is_chart(directory: str) -> bool:
    return os.path.isdir(directory) and os.path.isfile(os.path.join(directory, CHART_FILE))


def is_remote(entry: str) -> bool:
    return entry.startswith(_REMOTE_PREFIXES) or "?ref=" in entry or "://" in entry


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _paths_of(entries) -> list[str]:
    """``path`` of each mapping entry (patches, replacements), or the entry when it is a string."""
    out = []
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                out.append(entry["path"])
            elif isinstance(entry, str) and "\n" not in entry:
                out.append(entry)
    return out


def _generator_files(generators) -> list[str]:
    out = []
    if isinstance(generators, list):
        for generator in generators:
            if not isinstance(generator, dict):
                continue
            for source in _strings(generator.get("files")):
                out.append(source.split("=", 1)[1] if "=" in source else source)
            out += _strings(generator.get("envs")) + _strings(generator.get("env"))
    return out


def read_kustomization(directory: str) -> KustomizationFile:
    """Parse ``directory``'s kustomization file into what it consumes."""
    info = KustomizationFile(directory)
    path = find_kustomization_file(directory)
    if path is None:
        info.problem = "no kustomization file"
        return info
    from .yamlsource import load_single  # the parser: only where there is a kustomization to read

    try:
        with open(path, encoding="utf-8") as handle:
            data = load_single(handle.read())
    except (OSError, UnicodeError, ValueError) as exc:
        info.problem = f"cannot read {path}: {exc}"
        return info
    if not isinstance(data, dict):
        info.problem = f"{path} is not a mapping"
        return info
    info.is_component = data.get("kind") == "Component"
    info.helm_charts = bool(data.get("helmCharts") or data.get("helmChartInflationGenerator"))
    references = _strings(data.get("resources")) + _strings(data.get("bases")) + _strings(data.get("components"))
    local_files = (
        _strings(data.get("crds"))
        + _strings(data.get("configurations"))
        + _paths_of(data.get("patches"))
        + _paths_of(data.get("patchesStrategicMerge"))
        + _paths_of(data.get("patchesJson6902"))
        + _paths_of(data.get("replacements"))
        + _generator_files(data.get("configMapGenerator"))
        + _generator_files(data.get("secretGenerator"))
    )
    openapi = data.get("openapi")
    if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
        local_files.append(openapi["path"])
    references += (
        _strings(data.get("generators")) + _strings(data.get("transformers")) + _strings(data.get("validators"))
    )
    for entry in references + local_files:
        if "\n" in entry:
            continue  # an inline patch or transformer, not a path
        if is_remote(entry):
            info.remote.append(entry)
            continue
        target = os.path.realpath(os.path.join(directory, entry))
        if os.path.isdir(target):
            info.directories.add(target)
        else:
            info.files.add(target)
            info.resource_files += entry in references
    for entry in _paths_of(data.get("patches")) + _paths_of(data.get("patchesStrategicMerge")):
        if not is_remote(entry):
            info.patches.append(os.path.normpath(os.path.join(directory, entry)))
    info.bundle_base = next(
        (entry for entry in _strings(data.get("resources")) if _is_bundle_base_file(os.path.join(directory, entry))),
        None,
    )
    return info


_CSV_FILE = re.compile(r"\.clusterserviceversion\.ya?ml$")


def _is_bundle_base_file(path: str) -> bool:
    """A ClusterServiceVersion without install deployments, in the file operator-sdk writes it to
    (``config/manifests/bases/<operator>.clusterserviceversion.yaml``).

    operator-sdk renders it with the operator's manifests (``kustomize build config/manifests |
    operator-sdk generate bundle``) and moves the Deployments, RBAC and webhooks into it; OLM never
    installs a CSV without deployments, so that render is the generator's input, never kubectl's.
    """
    if not _CSV_FILE.search(path):
        return False
    from .yamlsource import load_single

    try:
        with open(path, encoding="utf-8") as handle:
            obj = load_single(handle.read())
    except (OSError, UnicodeError, ValueError):
        return False
    if not isinstance(obj, dict) or obj.get("kind") != "ClusterServiceVersion":
        return False
    spec = obj.get("spec")
    install = spec.get("install") if isinstance(spec, dict) else None
    strategy = install.get("spec") if isinstance(install, dict) else None
    return not (strategy.get("deployments") if isinstance(strategy, dict) else None)


class Kustomizations:
    """Every kustomization read once, with the transitive questions rendering asks."""

    def __init__(self) -> None:
        self._read: dict[str, KustomizationFile] = {}

    def get(self, directory: str) -> KustomizationFile:
        real = os.path.realpath(directory)
        if real not in self._read:
            self._read[real] = read_kustomization(directory)
        return self._read[real]

    def chain(self, directory: str) -> list[KustomizationFile]:
        """``directory``'s kustomization and every local kustomization it consumes, bases first."""
        out: list[KustomizationFile] = []
        seen: set[str] = set()

        def visit(path: str) -> None:
            real = os.path.realpath(path)
            if real in seen or not is_kustomization(path):
                return
            seen.add(real)
            info = self.get(path)
            for child in sorted(info.directories):
                visit(child)
            out.append(info)

        visit(directory)
        return out

    def remote_entries(self, directory: str) -> list[str]:
        return [entry for info in self.chain(directory) for entry in info.remote]

    def uses_helm(self, directory: str) -> bool:
        return any(info.helm_charts for info in self.chain(directory))


@dataclass
class Layout:
    """What a set of paths is applied as."""

    files: list[str] = field(default_factory=list)  # plain files, read and linted raw
    walked: set = field(default_factory=set)  # of those, the ones a directory walk found (not named)
    kustomizations: list[str] = field(default_factory=list)  # directories rendered as units
    charts: list[str] = field(default_factory=list)  # chart directories
    skipped: list[Skipped] = field(default_factory=list)
    directories: list[str] = field(default_factory=list)  # every directory listed
    whole_repository: bool = False  # a named file's consumers were looked for in the whole repository


_NOT_WALKED = ("node_modules", "vendor")
# Directories of files a repository keeps but never applies, passed over in a walk (named on the command line,
# they are checked): the code's test fixtures (often invalid on purpose) and third-party files vendored in.
TEST_FIXTURES_REASON = (
    "test fixtures of the code (Go testdata, Maven test resources, a test suite's fixtures or mock data, the data "
    "of test fakes): never applied (name it to check it)"
)
VENDORED_REASON = "third-party files vendored into the repository (vendor/, node_modules/): never applied as such"
_TEST_ANCESTORS = {"test", "tests", "e2e", "cypress"}
# What test code reads: mock data (by its name alone), and the files of a Go package of test doubles (`fake`,
# as client-go's kubernetes/fake, or `mocks`: a directory of that name holding Go source), which hands them to the
# code under test. The code decodes them into its own types (sigs.k8s.io/yaml makes `yes` a string there), so they
# need not even be valid for the API server. A `mocks/` directory of manifests alone (mock servers a team deploys)
# is checked.
_MOCK_DATA = {"mock_data", "mockdata"}
_TEST_DOUBLE_PACKAGES = {"fake", "fakes", "mock", "mocks"}


def _is_go_package(directory: str) -> bool:
    try:
        with os.scandir(directory) as entries:
            return any(entry.name.endswith(".go") and entry.is_file() for entry in entries)
    except OSError:
        return False


def not_applied_directory(directory: str) -> str | None:
    """Why a walk passes over ``directory`` (test fixtures, vendored files), or None."""
    parts = directory.replace(os.sep, "/").rstrip("/").split("/")
    name = parts[-1]
    if name == "testdata" or parts[-3:] == ["src", "test", "resources"] or name in _MOCK_DATA:
        return TEST_FIXTURES_REASON
    if name in _TEST_DOUBLE_PACKAGES and _is_go_package(directory):
        return TEST_FIXTURES_REASON
    if name == "fixtures" and _TEST_ANCESTORS & set(parts[:-1]):
        return TEST_FIXTURES_REASON
    if name in _NOT_WALKED or name.startswith(("vendor_", "vendor-")):
        return VENDORED_REASON
    return None


def repository_root(path: str) -> str:
    """The git work tree holding ``path`` (else the working directory, or the file's own directory)."""
    directory = os.path.dirname(os.path.abspath(path))
    probe = directory
    while True:
        if os.path.exists(os.path.join(probe, ".git")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            cwd = os.getcwd()
            return cwd if directory.startswith(cwd + os.sep) or directory == cwd else directory
        probe = parent


def _has_kustomization_above(path: str, root: str) -> bool:
    directory = os.path.dirname(os.path.abspath(path))
    while True:
        if find_kustomization_file(directory):
            return True
        if directory == root or os.path.dirname(directory) == directory:
            return False
        directory = os.path.dirname(directory)


def shown_path(path: str) -> str:
    """A path as people read it: relative to the working directory when it lies below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith("..") else relative


def consuming_units(path: str, kustomizations: Kustomizations) -> list[str] | None:
    """The kustomizations that render a named file: its consumers' consumers, up to the ones nothing consumes.

    A pre-commit hook names changed files one by one; a patch or a base resource
    is checked by rendering the overlays that use it, never raw. None when there was
    nothing to look for (a file with no kustomization above it); otherwise the whole
    repository was walked for them.
    """
    root = repository_root(path)
    if not os.path.isdir(path) and not _has_kustomization_above(path, root):
        return None
    consumed_by: dict[str, list[str]] = {}
    found: list[str] = []
    for directory, subdirectories, _files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(".") and d not in _NOT_WALKED)
        if find_kustomization_file(directory):
            found.append(directory)
            info = kustomizations.get(directory)
            for target in info.files | info.directories:
                consumed_by.setdefault(target, []).append(directory)
    users = {target: {os.path.realpath(d) for d in ds} for target, ds in consumed_by.items()}
    generator = _generator_inputs(found, kustomizations, users)
    tops: set[str] = set()
    frontier = list(consumed_by.get(os.path.realpath(path), ()))
    seen: set[str] = set()
    while frontier:
        directory = frontier.pop()
        if directory in seen:
            continue
        seen.add(directory)
        real = os.path.realpath(directory)
        using = consumed_by.get(real, [])
        # Through the users that apply it; one only a generator's input uses is rendered itself (plan_units).
        applying = [d for d in using if os.path.realpath(d) not in generator] if real not in generator else using
        if applying:
            frontier.extend(applying)
        elif not kustomizations.get(directory).is_component:
            tops.add(shown_path(directory))
    return sorted(tops)


def related_directories(a: str, b: str) -> bool:
    """Plain files likely applied together: the same directory, or one directory inside the other.

    ``kubectl apply -f`` does not recurse, but a repository's subdirectories are applied with
    it often enough (``-R``; kube-prometheus' ``setup/`` CRDs, then the rest) that evidence
    there keeps an error; variants in subdirectories are told apart by the rules that compare
    two definitions (``duplicate-object``).
    """
    first, second = os.path.dirname(os.path.abspath(a)), os.path.dirname(os.path.abspath(b))
    return first == second or first.startswith(second + os.sep) or second.startswith(first + os.sep)


def excluded(path: str, root: str, patterns) -> bool:
    """``--exclude`` / ``exclude:``: a glob against the path below the walked root, or any one name in it."""
    if not patterns:
        return False
    relative = os.path.relpath(path, root) if root else path
    relative = relative.replace(os.sep, "/")
    parts = relative.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(path.replace(os.sep, "/"), pattern):
            return True
        if "/" not in pattern and any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return True
    return False


def plan_units(
    walked_files: list[str], kustomization_dirs: list[str], chart_dirs: list[str], kustomizations: Kustomizations
) -> Layout:
    """Decide, for what a walk found, which kustomizations render and which files stay plain."""
    layout = Layout(charts=list(chart_dirs))
    users: dict[str, set[str]] = {}  # real path of a kustomization directory -> real paths of those using it
    consumed_files: set[str] = set()
    for directory in kustomization_dirs:
        info = kustomizations.get(directory)
        for target in info.directories:
            users.setdefault(target, set()).add(os.path.realpath(directory))
        consumed_files |= info.files
    generator = _generator_inputs(kustomization_dirs, kustomizations, users)
    for directory in kustomization_dirs:
        info = kustomizations.get(directory)
        real = os.path.realpath(directory)
        if info.is_component:
            layout.skipped.append(
                Skipped(directory, "a kustomize Component: checked through the kustomizations that use it")
            )
        elif real in generator:
            layout.skipped.append(Skipped(directory, generator[real]))
        elif users.get(real, set()) - set(generator):
            layout.skipped.append(Skipped(directory, "a kustomization another kustomization uses: checked through it"))
        else:
            layout.kustomizations.append(directory)
    # Real paths only where a kustomization may consume or own a file (a stat per path component each).
    reals = {path: os.path.realpath(path) for path in walked_files} if kustomization_dirs else {}
    owned = _directories_kustomizations_own(reals, kustomization_dirs, consumed_files)
    for path in walked_files:
        if consumed_files and reals[path] in consumed_files:
            layout.skipped.append(
                Skipped(path, "used by a kustomization (resource, patch or generator input): checked through it")
            )
        elif owned and os.path.dirname(reals[path]) in owned:
            layout.skipped.append(
                Skipped(
                    path,
                    "beside files a kustomization lists, and not listed itself: `kubectl apply -k` never applies it "
                    "(name it on the command line to check it)",
                )
            )
        elif is_patch_file(path):
            layout.skipped.append(
                Skipped(
                    path,
                    "a patch (by its name or its patches/ directory): a tool applies it onto another object, never on "
                    "its own",
                )
            )
        else:
            layout.files.append(path)
    return layout


def _generator_inputs(kustomization_dirs, kustomizations: Kustomizations, users: dict) -> dict[str, str]:
    """Real paths of the kustomizations that render a generator's input, never applied, with the reason.

    A kustomization listing an OLM ClusterServiceVersion base renders the input of `operator-sdk
    generate bundle`. A kustomization that only such inputs use and that only layers changes over one
    base (no resource of its own: an OLM variant of config/default that gives a webhook the
    ``containerPort`` only the generator reads) belongs to that input too. Any other kustomization
    that only generator inputs use (the operator's config/default, which `make deploy` applies) is
    rendered on its own.
    """
    generator: dict[str, str] = {}
    for directory in kustomization_dirs:
        info = kustomizations.get(directory)
        if info.bundle_base is not None:
            generator[os.path.realpath(directory)] = (
                f"renders the input of `operator-sdk generate bundle` ({info.bundle_base} is a ClusterServiceVersion "
                "without install deployments, which the generator fills in), never applied: the kustomizations it "
                "uses are checked on their own"
            )
    changed = bool(generator)
    while changed:
        changed = False
        for directory in kustomization_dirs:
            real = os.path.realpath(directory)
            info = kustomizations.get(directory)
            used_by = users.get(real, set())
            if real in generator or not used_by or not used_by <= set(generator):
                continue
            if len(info.directories) == 1 and not info.resource_files:
                generator[real] = (
                    "only the input of a generator uses it, and it only layers changes over one base: never applied "
                    "(the base is checked on its own or through the other kustomizations using it)"
                )
                changed = True
    return generator


def _directories_kustomizations_own(reals: dict[str, str], kustomization_dirs, consumed_files: set) -> set[str]:
    """Real paths of the directories whose files the kustomizations mostly list (their own, and those
    they list files from, such as a `bases/` of CRDs): a file there that none lists is left out on purpose
    (a generated leftover, a resource commented out). A kustomization that lists few of the files beside it
    (an OpenShift variant among the examples users apply one by one) owns nothing else."""
    if not kustomization_dirs:
        return set()
    directories = {os.path.realpath(d) for d in kustomization_dirs} | {os.path.dirname(f) for f in consumed_files}
    beside: dict[str, list[bool]] = {}  # directory -> for each walked file in it, whether a kustomization lists it
    for real in reals.values():
        directory = os.path.dirname(real)
        if directory in directories:
            beside.setdefault(directory, []).append(real in consumed_files)
    return {directory for directory, listed in beside.items() if 2 * sum(listed) >= len(listed)}


_PATCH_NAME = re.compile(r"(?:^|[-_.])patch(?:es)?(?:[-_.]|$)", re.I)


def is_patch_file(path: str) -> bool:
    """A walked file named as a patch (``*-patch.yaml``, ``patches/x.yaml``): partial by design.

    kustomize's own patches are known from the kustomization; these are the ones
    another tool applies (kind's kubeadm patches, Helm post-renderers, scripts).
    """
    if "patch" not in path.lower():
        return False  # (most files: no need for the rest)
    parent = os.path.basename(os.path.dirname(path)).lower()
    stem = os.path.basename(path).rsplit(".", 1)[0]
    return parent in ("patches", "patch") or _PATCH_NAME.search(stem) is not None
