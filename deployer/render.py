"""Pure renderers of a Plan: terminal text, a pull-request comment, and versioned JSON."""

from __future__ import annotations

from deployer.plan_text import render_text, summarise
from deployer.render_json import FORMAT_VERSION, plan_document, render_json
from deployer.render_md import render_markdown

__all__ = [
    "FORMAT_VERSION",
    "plan_document",
    "render_json",
    "render_markdown",
    "render_text",
    "summarise",
]
