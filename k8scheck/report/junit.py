"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure)."""

from __future__ import annotations


def render_junit(report, **_options) -> str:
    from xml.etree import ElementTree as ET  # only when this format is chosen

    by_file: dict[str, list] = {source.path: [] for source in report.files}
    for finding in report.findings:
        by_file.setdefault(finding.location.file, []).append(finding)
    suites = ET.Element("testsuites", name="k8scheck")
    total = failures = 0
    for path in sorted(by_file):
        findings = by_file[path]
        suite = ET.SubElement(
            suites, "testsuite", name=path, tests=str(max(1, len(findings))), failures=str(len(findings))
        )
        if not findings:
            ET.SubElement(suite, "testcase", classname=path, name="k8scheck lint")
            total += 1
        for f in findings:
            loc = f.location
            case = ET.SubElement(
                suite,
                "testcase",
                classname=path,
                name=f"{f.rule} {f.object or ''} {f.path}".strip(),
                file=path,
                line=str(loc.line),
            )
            failure = ET.SubElement(case, "failure", message=f.message, type=f.rule)
            failure.text = f"{loc.file}:{loc.line}:{loc.column}: {f.severity} {f.rule}  {f.message}" + (
                f"\nfix: {f.fix}" if f.fix else ""
            )
        total += len(findings)
        failures += len(findings)
    for error in report.errors:
        suite = ET.SubElement(suites, "testsuite", name=error.file, tests="1", failures="1")
        case = ET.SubElement(suite, "testcase", classname=error.file, name="read input")
        ET.SubElement(case, "failure", message=error.message, type="input-error").text = error.message
        total += 1
        failures += 1
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
