"""Studies: create, read, list, delete and clone (reference §3, §4.5, §14.3, §14.11)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Env, study_body

SHORT_FIELDS = {"id", "name", "internal_name", "status", "study_type",
                "estimated_completion_time", "total_available_places", "places_taken",
                "number_of_submissions", "reward", "total_cost", "published_at", "publish_at",
                "date_created", "credential_pool_id", "is_ready_to_publish"}


def test_create_answers_201_with_an_unpublished_draft(env: Env) -> None:
    """§2, §3.1: 201; status UNPUBLISHED; ObjectId-shaped id; `…Z` timestamps."""
    reply = env.api.post("studies/", study_body())
    assert reply.status == 201
    study = reply.body
    assert study["status"] == "UNPUBLISHED"
    assert len(study["id"]) == 24 and int(study["id"], 16) >= 0
    assert study["date_created"].endswith("Z") and "." in study["date_created"]
    assert study["published_at"] is None
    assert study["is_ready_to_publish"] is True
    assert study["places_taken"] == 0 and study["number_of_submissions"] == 0
    assert env.study(study["id"]) == study


def test_the_read_model_is_the_superset_real_responses_carry(env: Env) -> None:
    """§3.2: settable fields, plus the service's own (money, pace, links, researcher)."""
    study = env.draft()
    for name in ("currency_code", "fees_percentage", "service_margin_percentage",
                 "vat_percentage", "estimated_reward_per_hour", "minimum_reward_per_hour",
                 "reward_level", "researcher", "project", "workspace", "submissions_config",
                 "eligible_participant_count", "total_participant_pool", "_links"):
        assert name in study, name
    assert study["estimated_reward_per_hour"] == 900.0  # 150p per 10 minutes
    assert study["minimum_reward_per_hour"] == 600.0
    assert study["fees_percentage"] == 0.333333
    assert study["service_margin_percentage"] == "0.25000000000000000"
    assert study["total_cost"] == 400  # 2 places x (150 + 50 fee)
    assert study["fees_per_submission"] == 50
    assert study["_links"]["self"]["href"].endswith(f"/api/v1/studies/{study['id']}/")
    assert study["submissions_config"] == {"max_submissions_per_participant": 1,
                                           "max_concurrent_submissions": -1,
                                           "auto_rejection_categories": []}


def test_unknown_and_legacy_fields_are_echoed(env: Env) -> None:
    """§3.1, §14.11: accepted, stored, returned; read-only fields sent are ignored."""
    study = env.draft(completion_code="OLD123", completion_option="code",
                      eligibility_requirements=[], study_type="SINGLE", my_field={"a": 1},
                      status="ACTIVE", places_taken=99)
    assert study["completion_code"] == "C7K2Q9"  # derived from completion_codes
    assert study["completion_option"] == "code"
    assert study["my_field"] == {"a": 1}
    assert study["status"] == "UNPUBLISHED"
    assert study["places_taken"] == 0


def test_the_description_keeps_only_the_tags_prolific_keeps(env: Env) -> None:
    """§3.1: <b> <i> <em> <strong> <s> <u> <h1> <h2> <ol> <ul> <li> <p> survive."""
    study = env.draft(description='<p class="x">Hi <a href="y">there</a><script>z</script>'
                                  "<br><b>bold</b></p>")
    assert study["description"] == "<p>Hi therez<b>bold</b></p>"


def test_the_default_project_is_the_workspaces_first(env: Env) -> None:
    """§3.1: `project` omitted -> the first created project."""
    me = env.api.get("users/me/").body
    assert env.draft()["project"] == me["current_project_id"]


def test_a_project_can_be_named_and_must_exist(env: Env) -> None:
    """§3.1, §9: a project of the token's workspace; another ID is a field error."""
    project = env.api.post(f"workspaces/{env.workspace}/projects/", {"title": "Pilot"}).body
    assert env.draft(project=project["id"])["project"] == project["id"]
    listed = env.api.get(f"projects/{project['id']}/studies/").body["results"]
    assert len(listed) == 1
    reply = env.api.post("studies/", study_body(project="0" * 24))
    assert reply.status == 400
    assert "project" in reply.detail


@pytest.mark.parametrize(("field", "value"), [
    ("maximum_allowed_time", 28),  # floor for 10 minutes: 2 + 20 + 2*sqrt(10) -> 29
    ("total_available_places", 0),
    ("reward", 1.5),
    ("external_study_url", "ftp://example.org"),
    ("device_compatibility", ["watch"]),
    ("peripheral_requirements", ["camera", "camera"]),
    ("study_labels", ["survey", "interview"]),
    ("naivety_distribution_rate", 2),
    ("submissions_config", {"max_submissions_per_participant": 0}),
    ("access_details", [{"external_url": "https://x.org", "total_allocation": 2}]),
    ("filter_set_id", "0" * 24),
    ("name", "  "),
])
def test_each_bad_field_is_a_400_naming_it(env: Env, field: str, value: Any) -> None:
    """§3.1, §1.4: `detail` maps the field to its messages; nothing is created."""
    reply = env.api.post("studies/", study_body(**{field: value}))
    assert reply.status == 400, reply
    assert list(reply.detail) == [field]
    assert env.api.get("studies/").body["meta"]["count"] == 0


def test_maximum_allowed_time_defaults_to_its_floor(env: Env) -> None:
    """§3.1, §15: omitted -> 2 + 2X + 2*sqrt(X), rounded up (29 for X = 10)."""
    body = study_body()
    del body["maximum_allowed_time"]
    assert env.api.post("studies/", body).body["maximum_allowed_time"] == 29
    assert env.draft(maximum_allowed_time=29)["maximum_allowed_time"] == 29


@pytest.mark.parametrize("codes", [
    [{"code": "A", "code_type": "COMPLETED"}, {"code": "A", "code_type": "OTHER"}],
    [{"code": None, "code_type": "COMPLETED", "actions": [{"action": "MANUALLY_REVIEW"}]}],
    [{"code": "A", "code_type": "COMPLETED", "actions": [{"action": "PAY_DOUBLE"}]}],
    [{"code": "A", "code_type": "COMPLETED", "actions": [{"action": "AUTOMATICALLY_APPROVE"},
                                                          {"action": "MANUALLY_REVIEW"}]}],
    [{"code": "A", "code_type": "COMPLETED",
      "actions": [{"action": "ADD_TO_PARTICIPANT_GROUP", "participant_group": "0" * 24}]}],
    [{"code": "A", "code_type": "COMPLETED", "actions": [{"action": "DYNAMIC_PAYMENT"}]}],
    [{"code": "A", "code_type": "COMPLETED", "actor": "robot"}],
    [{"code": "A"}],
])
def test_bad_completion_codes_are_refused(env: Env, codes: list[Any]) -> None:
    """§3.3: unique codes; null only alone; known actions; groups that exist; gated
    actions refused; auto-approve and manual review exclusive."""
    reply = env.api.post("studies/", study_body(completion_codes=codes))
    assert reply.status == 400, reply
    assert list(reply.detail) == ["completion_codes"]


def test_completion_codes_get_their_defaults(env: Env) -> None:
    """§3.3: actor participant, actions [] unless given; free-text code types allowed."""
    study = env.draft(completion_codes=[{"code": "X1", "code_type": "DEFAULT"}])
    assert study["completion_codes"] == [{"code": "X1", "code_type": "DEFAULT",
                                          "actor": "participant", "actions": []}]


def test_lists_show_study_short_without_metadata_or_url(env: Env) -> None:
    """§3.2: StudyShort has no metadata and no external_study_url; internal_name is there."""
    env.draft()
    item = env.api.get("studies/").body["results"][0]
    assert set(item) == SHORT_FIELDS
    assert item["internal_name"] == "prov:stack/tone#3f9c2e"


def test_lists_filter_by_state_status_and_the_clis_flags(env: Env) -> None:
    """§4.1: ?state= (spec), ?status= (clients), ?published=0 / ?active=1 (CLI)."""
    draft, live = env.draft(), env.published()

    def ids(query: str) -> list[str]:
        reply = env.api.get(f"studies/?{query}")
        assert reply.status == 200, reply
        return [s["id"] for s in reply.body["results"]]

    assert ids("state=UNPUBLISHED") == [draft["id"]]
    assert ids("state=ACTIVE") == [live["id"]]
    assert ids("status=active") == [live["id"]]
    assert ids("published=0") == [draft["id"]]
    assert ids("active=1") == [live["id"]]
    assert ids("completed=1") == []
    assert ids("state=AWAITING%20REVIEW") == []
    assert env.api.get("studies/?state=DONE").status == 400


def test_project_studies_page_and_order(env: Env) -> None:
    """§2, §1.3: GET /projects/{id}/studies/ pages, and orders by -date_created."""
    first, second = env.draft(), env.draft()
    project = first["project"]
    reply = env.api.get(f"projects/{project}/studies/?ordering=-date_created")
    assert [s["id"] for s in reply.body["results"]] == [second["id"], first["id"]]
    assert env.api.get(f"projects/{project}/studies/?ordering=name").status == 400


def test_deleting_a_draft_answers_200_with_an_empty_object(env: Env) -> None:
    """§4.5: DELETE /studies/{id}/ -> 200 {} for drafts."""
    study = env.draft()
    reply = env.api.delete(f"studies/{study['id']}/")
    assert (reply.status, reply.body) == (200, {})
    assert env.api.get(f"studies/{study['id']}/").status == 404


def test_deleting_through_the_project_answers_204(env: Env) -> None:
    """§2: DELETE /projects/{p}/studies/{s}/ -> 204; the study must be in that project."""
    study = env.draft()
    other = env.api.post(f"workspaces/{env.workspace}/projects/", {"title": "Other"}).body
    assert env.api.delete(f"projects/{other['id']}/studies/{study['id']}/").status == 404
    reply = env.api.delete(f"projects/{study['project']}/studies/{study['id']}/")
    assert (reply.status, reply.body) == (204, None)
    assert env.api.get(f"studies/{study['id']}/").status == 404


def test_published_studies_cannot_be_deleted(env: Env) -> None:
    """§4.5: "Published studies cannot be deleted" -> 400; the study stays."""
    study = env.published()
    for reply in (env.api.delete(f"studies/{study['id']}/"),
                  env.api.delete(f"projects/{study['project']}/studies/{study['id']}/")):
        assert reply.status == 400
        assert "cannot be deleted" in reply.detail
    assert env.study(study["id"])["status"] == "ACTIVE"


def test_clone_answers_200_with_a_draft_that_blocks_the_originals_participants(
        env: Env) -> None:
    """§4.5: a new UNPUBLISHED copy of every setting, plus a previous-studies block list."""
    original = env.published()
    reply = env.api.post(f"studies/{original['id']}/clone/")
    assert reply.status == 200
    copy = reply.body
    assert copy["id"] != original["id"]
    assert copy["status"] == "UNPUBLISHED"
    assert copy["completion_codes"] == original["completion_codes"]
    assert copy["metadata"] == original["metadata"]
    assert copy["filters"] == [{"filter_id": "previous_studies_blocklist",
                                "selected_values": [original["id"]]}]


def test_clone_without_blocking_copies_the_filters_as_they_are(env: Env) -> None:
    """§4.5: block_previous_participants: false."""
    original = env.draft()
    copy = env.api.post(f"studies/{original['id']}/clone/",
                        {"block_previous_participants": False}).body
    assert copy["filters"] == []
    reply = env.api.post(f"studies/{original['id']}/clone/",
                         {"block_previous_participants": "no"})
    assert reply.status == 400
