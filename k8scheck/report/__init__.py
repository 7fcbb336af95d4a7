"""Report formats: each is one function from a Report to text, in one dict."""

from __future__ import annotations

from .codeclimate import render_codeclimate
from .github import render_github
from .json import render_json
from .junit import render_junit
from .sarif import render_sarif
from .text import render_text

FORMATS = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
    "junit": render_junit,
    "codeclimate": render_codeclimate,
}
