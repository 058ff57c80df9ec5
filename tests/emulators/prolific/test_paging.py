"""Pagination (reference §1.3, §14.9): page/page_size and limit/offset on every list, _links
built from the request URL, meta.count, 20 by default, 404 past the end."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from deployer.emulators.prolific import Config

from .conftest import Env, MakeEnv, study_body


def _drafts(env: Env, count: int) -> list[str]:
    return [env.api.post("studies/", study_body(name=f"s{n}")).body["id"] for n in range(count)]


def _query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_lists_are_20_to_a_page_with_links_and_a_count(env: Env) -> None:
    """§1.3: default page size 20; next is set while more pages exist, null on the last."""
    ids = _drafts(env, 23)
    first = env.api.get("studies/")
    assert first.status == 200
    assert [s["id"] for s in first.body["results"]] == ids[:20]
    assert first.body["meta"] == {"count": 23}
    links = first.body["_links"]
    assert links["self"]["title"] == "Current"
    assert links["previous"]["href"] is None
    assert links["next"]["href"].startswith(env.server.url + "/api/v1/studies/?")
    assert _query(links["next"]["href"]) == {"page": ["2"], "page_size": ["20"]}
    assert _query(links["last"]["href"]) == {"page": ["2"], "page_size": ["20"]}
    second = env.api.request("GET", links["next"]["href"])
    assert [s["id"] for s in second.body["results"]] == ids[20:]
    assert second.body["_links"]["next"]["href"] is None
    assert _query(second.body["_links"]["previous"]["href"])["page"] == ["1"]


def test_following_next_visits_every_item_once(env: Env) -> None:
    """§1.3: how Dallinger pages GET /studies/: follow _links.next until it is null."""
    ids = _drafts(env, 7)
    seen, href = [], env.server.url + "/api/v1/studies/?page_size=3&state=UNPUBLISHED"
    while href:
        page = env.api.request("GET", href).body
        seen += [s["id"] for s in page["results"]]
        href = page["_links"]["next"]["href"]
        if href:
            assert _query(href)["state"] == ["UNPUBLISHED"]  # the filter is carried along
    assert seen == ids


def test_a_page_past_the_end_is_404_not_an_empty_page(env: Env) -> None:
    """§1.3: requesting a page past the end returns a 404 error payload."""
    _drafts(env, 3)
    assert env.api.get("studies/?page=1&page_size=3").status == 200
    reply = env.api.get("studies/?page=2&page_size=3")
    assert reply.status == 404
    assert reply.detail == "Not found."
    assert env.api.get("studies/?page=0").status == 404
    assert env.api.get("studies/?page=abc").status == 404


def test_an_empty_list_is_one_empty_page(env: Env) -> None:
    """§1.3: page 1 of nothing is 200 with no results; page 2 of it is 404."""
    reply = env.api.get("studies/")
    assert reply.status == 200
    assert reply.body["results"] == []
    assert reply.body["meta"] == {"count": 0}
    assert env.api.get("studies/?page=2").status == 404


def test_limit_and_offset_work_on_every_list(env: Env) -> None:
    """§1.3: the CLI sends limit/offset; the links then use them too."""
    ids = _drafts(env, 5)
    reply = env.api.get("studies/?limit=2&offset=1")
    assert [s["id"] for s in reply.body["results"]] == ids[1:3]
    assert _query(reply.body["_links"]["next"]["href"]) == {"limit": ["2"], "offset": ["3"]}
    assert _query(reply.body["_links"]["previous"]["href"]) == {"limit": ["2"], "offset": ["0"]}
    assert _query(reply.body["_links"]["last"]["href"]) == {"limit": ["2"], "offset": ["4"]}
    assert env.api.get("studies/?limit=2&offset=5").status == 404
    workspaces = env.api.get("workspaces/?limit=1000")  # Dallinger's call
    assert workspaces.status == 200
    assert len(workspaces.body["results"]) == 1


def test_bad_page_sizes_are_400_and_large_ones_are_capped(make_env: MakeEnv) -> None:
    """§15 (max page_size unknown): capped at Config.max_page_size; nonsense is a 400."""
    env = make_env(Config(seed="t", page_size=2, max_page_size=4))
    _drafts(env, 6)
    assert len(env.api.get("studies/?page_size=100").body["results"]) == 4
    for bad in ("page_size=0", "page_size=x", "limit=-1", "offset=x"):
        reply = env.api.get(f"studies/?{bad}")
        assert reply.status == 400, bad
        assert isinstance(reply.detail, dict)


def test_the_default_page_size_is_a_setting(make_env: MakeEnv) -> None:
    """§1.3: Config.page_size (20 unless set)."""
    env = make_env(Config(seed="t", page_size=2))
    _drafts(env, 3)
    reply = env.api.get("studies/")
    assert len(reply.body["results"]) == 2
    assert reply.body["meta"]["count"] == 3
