"""Report formats: each is one function from a Report to text, in one dict."""

from __future__ import annotations

from .json import render_json
from .text import render_text

FORMATS = {
    "text": render_text,
    "json": render_json,
}
