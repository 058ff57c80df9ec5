"""Pure renderers of a Plan: terminal text, a pull-request comment, and versioned JSON."""

from __future__ import annotations

from deployer.plan_text import render_text
from deployer.render_json import render_json
from deployer.render_md import render_markdown

__all__ = ["render_json", "render_markdown", "render_text"]
