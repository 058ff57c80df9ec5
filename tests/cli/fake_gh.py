"""A stand-in for the `gh api` calls the plan-comment step makes, keeping a pull request's
comments in the JSON file named by FAKE_GH_STATE. Like GitHub it pages lists (two comments a
page, printed one JSON array after another, as `gh api --paginate` does) and records who wrote
each comment."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

PAGE = 2


def main(args: list[str]) -> int:
    state = Path(os.environ["FAKE_GH_STATE"])
    comments: list[dict[str, object]] = json.loads(state.read_text())
    method = args[args.index("--method") + 1] if "--method" in args else "GET"
    path = next(a for a in args[1:] if a.startswith("repos/"))
    if method == "GET":
        for start in range(0, max(len(comments), 1), PAGE):
            print(json.dumps(comments[start:start + PAGE]))
        return 0
    field = args[args.index("-F") + 1]
    assert field.startswith("body=@"), field
    body = Path(field.removeprefix("body=@")).read_text()
    if method == "PATCH":
        wanted = int(path.rsplit("/", 1)[1])
        target = next(c for c in comments if c["id"] == wanted)
        target["body"] = body
    else:
        assert method == "POST" and path.endswith("/comments"), (method, path)
        comments.append({"id": 1000 + len(comments), "body": body,
                         "user": {"login": "github-actions[bot]", "type": "Bot"}})
    state.write_text(json.dumps(comments))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
