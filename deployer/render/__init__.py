"""Pure renderers of a Plan: terminal text, a pull-request comment, and versioned JSON."""

from __future__ import annotations

from deployer.render.jsonplan import render_json
from deployer.render.markdown import render_markdown
from deployer.render.status import render_status_json, render_status_text
from deployer.render.text import render_text

__all__ = ["render_json", "render_markdown", "render_status_json", "render_status_text",
           "render_text"]
