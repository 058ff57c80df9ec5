"""The pages a worker's browser loads from the worker site, for the side channel:

- `/_emulator/preview?groupId=G` (or `hitId=H`): a HIT as a worker previews it, with its task:
  the ExternalURL in a frame with `assignmentId=ASSIGNMENT_ID_NOT_AVAILABLE&hitId=...` added to
  its query (reference §5.1), the HTMLQuestion's page in a frame, or the QuestionForm as MTurk
  would draw it;
- `/_emulator/task?hitId=H&...`: an HTMLQuestion's page, served as MTurk serves it in that frame;
- `/_emulator/uploads/<key>?Expires=T`: a file a worker uploaded (GetFileUploadURL's link).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from deployer.emulators.core.server import Reply
from deployer.emulators.mturk import time_rules
from deployer.emulators.mturk.backend import Backend
from deployer.emulators.mturk.forms import fields_of
from deployer.emulators.mturk.questions import Field
from deployer.emulators.mturk.records import HitRec
from deployer.emulators.mturk.review_ops import UPLOADS_ROUTE
from deployer.emulators.mturk.schema import HITS, TYPES, UPLOADS

HTML = "text/html; charset=utf-8"
NOT_ACCEPTED = "ASSIGNMENT_ID_NOT_AVAILABLE"
Page = Callable[[Backend, str, dict[str, str]], Reply]


def page_for(path: str) -> Page | None:
    if path == "/_emulator/preview":
        return preview
    if path == "/_emulator/task":
        return task
    if path.startswith(UPLOADS_ROUTE):
        return uploaded
    return None


def _page(status: int, title: str, body: str) -> Reply:
    text = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            "</title><style>body{font-family:sans-serif;margin:1em 2em}dt{font-weight:bold}"
            "iframe{width:100%;border:1px solid #999}</style></head>"
            f"<body>{body}</body></html>")
    return Reply(status, text.encode("utf-8"), HTML)


def _chosen(emu: Backend, query: dict[str, str]) -> tuple[HitRec | None, int]:
    """The HIT a preview shows (MTurk shows one of the group's HITs that can be accepted) and
    how many of its group can be accepted now."""
    if "hitId" in query:
        hit = HITS.get(emu.db, query["hitId"])
        group = [hit] if hit is not None else []
    else:
        kinds = [t.id for t in TYPES.where(emu.db, "group_id = ?", (query.get("groupId", ""),))]
        group = HITS.where(emu.db, f"type_id IN ({', '.join('?' for _ in kinds)})", kinds,
                           order="creation, id")
    open_ = [h for h in group if h is not None and emu.status(h) == "Assignable"]
    first = open_[0] if open_ else (group[0] if group else None)
    return first, len(open_)


def preview(emu: Backend, path: str, query: dict[str, str]) -> Reply:
    with emu.transaction():
        time_rules.refresh(emu)
        hit, available = _chosen(emu, query)
        if hit is None:
            what = query.get("hitId") or query.get("groupId", "")
            return _page(404, "No such HIT", f"<h1>No HITs in {html.escape(what)}</h1>"
                         "<p>MTurk emulator worker preview: nothing to show.</p>")
        kind, status = emu.hit_type(hit), emu.status(hit)
    details = {
        "Reward": f"${Decimal(kind.reward):.2f} per task",
        "HITs available": str(available),
        "Time allotted": f"{kind.assignment_duration // 60} min",
        "Status": status,
        "HIT": hit.id,
    }
    facts = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>"
                    for k, v in details.items())
    body = (f"<h1>{html.escape(kind.title)}</h1><p>{html.escape(kind.description)}</p>"
            f"<dl>{facts}</dl><p><em>Preview: this is what a worker sees before accepting. "
            f"Accept it as a simulated worker with <code>deploy emulator workers accept "
            f"{hit.id}</code>.</em></p>{_task(hit)}")
    return _page(200, kind.title, body)


def _task(hit: HitRec) -> str:
    root = ET.fromstring(hit.question.strip().encode("utf-8"))
    ns = root.tag[:root.tag.index("}") + 1]
    local = root.tag[len(ns):]
    height = (root.findtext(f"{ns}FrameHeight") or "0").strip()
    style = "height:80vh" if height in ("", "0") else f"height:{int(height)}px"
    if local == "ExternalQuestion":
        url = with_query((root.findtext(f"{ns}ExternalURL") or "").strip(),
                         {"assignmentId": NOT_ACCEPTED, "hitId": hit.id})
        return f'<iframe src="{html.escape(url)}" style="{style}"></iframe>'
    if local == "HTMLQuestion":
        src = "/_emulator/task?" + urlencode({"hitId": hit.id, "assignmentId": NOT_ACCEPTED})
        return f'<iframe src="{html.escape(src)}" style="{style}"></iframe>'
    return _question_form(root, ns, {f.name: f for f in fields_of(hit.question).fields})


def with_query(url: str, extra: dict[str, str]) -> str:
    """`url` with `extra` added to its query string, merged with what it has (one `?`)."""
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *extra.items()])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _question_form(root: ET.Element, ns: str, fields: dict[str, Field]) -> str:
    parts = ["<form>"]
    for element in root:
        local = element.tag[len(ns):]
        if local == "Overview":
            parts.append(f"<div>{_content(element, ns)}</div>")
        elif local == "Question":
            name = (element.findtext(f"{ns}QuestionIdentifier") or "").strip()
            content = element.find(f"{ns}QuestionContent")
            shown = _content(content, ns) if content is not None else ""
            field = fields.get(name)
            mark = " *" if field is not None and field.required else ""
            parts.append(f"<fieldset><legend>{html.escape(name)}{mark}</legend>{shown}"
                         f"{_control(field) if field is not None else ''}</fieldset>")
    parts.append("</form>")
    return "".join(parts)


def _content(element: ET.Element, ns: str) -> str:
    shown = []
    for part in element:
        local, text = part.tag[len(ns):], (part.text or "").strip()
        if local == "Title":
            shown.append(f"<h2>{html.escape(text)}</h2>")
        elif local == "Text":
            shown.append(f"<p>{html.escape(text)}</p>")
        elif local == "List":
            items = "".join(f"<li>{html.escape((i.text or '').strip())}</li>" for i in part)
            shown.append(f"<ul>{items}</ul>")
        elif local == "FormattedContent":
            shown.append(f"<div>{part.text or ''}</div>")  # the requester's own XHTML
        elif local == "Binary":
            url = (part.findtext(f"{ns}DataURL") or "").strip()
            alt = (part.findtext(f"{ns}AltText") or "").strip()
            shown.append(f'<p><img src="{html.escape(url)}" alt="{html.escape(alt)}"></p>')
    return "".join(shown)


def _control(field: Field) -> str:
    name = html.escape(field.name)
    match field.kind:
        case "choice" | "choices":
            kind = "radio" if field.kind == "choice" else "checkbox"
            labels = field.option_labels or field.options
            return "".join(f'<label><input type="{kind}" name="{name}" '
                           f'value="{html.escape(value)}" disabled> {html.escape(label)}'
                           "</label><br>" for value, label in zip(field.options, labels,
                                                                   strict=False))
        case "number":
            return (f'<input type="number" name="{name}" min="{field.low}" '
                    f'max="{field.high}" disabled>')
        case "file":
            return f'<input type="file" name="{name}" disabled>'
        case _:
            return f'<textarea name="{name}" disabled>{html.escape(field.value)}</textarea>'


def task(emu: Backend, path: str, query: dict[str, str]) -> Reply:
    """An HTMLQuestion's page as is: its scripts read assignmentId from this URL."""
    with emu.transaction():
        hit = HITS.get(emu.db, query.get("hitId", ""))
    if hit is None:
        return _page(404, "No such HIT", "<h1>This HIT does not exist.</h1>")
    root = ET.fromstring(hit.question.strip().encode("utf-8"))
    content = next((c for c in root if c.tag.endswith("}HTMLContent")), None)
    if content is None:
        return _page(404, "Not an HTMLQuestion", "<h1>This HIT's task is not an HTML page.</h1>")
    return Reply(200, (content.text or "").encode("utf-8"), HTML)


def uploaded(emu: Backend, path: str, query: dict[str, str]) -> Reply:
    """Like the signed link MTurk hands out: valid until Expires (on the emulator's clock)."""
    key = path[len(UPLOADS_ROUTE):]
    with emu.transaction():
        found = UPLOADS.get(emu.db, key)
        now = emu.now()
    try:
        expires = float(query.get("Expires", ""))
    except ValueError:
        expires = 0.0
    if found is None:
        return Reply(404, b"NoSuchKey: the file does not exist (its HIT was deleted?)",
                     "text/plain")
    if now > expires:
        return Reply(403, b"AccessDenied: Request has expired", "text/plain")
    return Reply(200, found.content.encode("utf-8"), "application/octet-stream")
