"""Knowledge-base search in Chinese and English: the terms, and the API's `?search=`
on articles the caller may read (SQLite here; the service suite repeats it on
PostgreSQL)."""

import pytest

from kb import search

pytestmark = pytest.mark.django_db


def test_chinese_runs_are_indexed_as_characters_and_pairs():
    terms = search.index_terms("主轴轴承磨损")
    assert {"轴承", "磨损", "主", "损"} <= terms
    assert search.query_terms("轴承磨损") == ["轴承", "承磨", "磨损"]
    assert search.query_terms("轴") == ["轴"]


def test_english_words_are_lowered_folded_and_stop_words_dropped():
    assert search.index_terms("The BEARINGS are worn") == {"bearing", "worn"}
    assert search.query_terms("Ｂｅａｒｉｎｇ of the spindle") == ["bearing", "spindle"]


def _titles(response):
    assert response.status_code == 200, response.content
    return sorted(row["title"] for row in response.json()["results"])


SEARCHES = [
    ("轴承", ["主轴轴承磨损的处理"]),
    ("轴承磨损", ["主轴轴承磨损的处理"]),
    ("润滑脂", ["主轴轴承磨损的处理"]),
    (
        "bearing",
        ["Bearing noise (draft)", "Conveyor belt slipping", "Replacing a worn spindle bearing"],
    ),
    ("worn bearings", ["Replacing a worn spindle bearing"]),
    ("HMI password", ["Resetting the HMI password"]),
    ("齿轮", []),
    ("gearbox", []),
]


@pytest.mark.parametrize(("words", "expected"), SEARCHES)
def test_staff_search_finds_chinese_and_english_words(api, world, library, words, expected):
    assert (
        _titles(api.as_user(world.dispatcher).get("/api/v1/kb/articles/", {"search": words}))
        == expected
    )


def test_customer_search_sees_only_published_articles_of_their_models(api, world, library):
    client = api.as_user(world.customer_a)
    assert _titles(client.get("/api/v1/kb/articles/", {"search": "bearing"})) == [
        "Replacing a worn spindle bearing"
    ]
    assert _titles(client.get("/api/v1/kb/articles/")) == [
        "Replacing a worn spindle bearing",
        "Resetting the HMI password",
        "主轴轴承磨损的处理",
    ]
    assert _titles(
        api.as_user(world.customer_b).get("/api/v1/kb/articles/", {"search": "bearing"})
    ) == ["Conveyor belt slipping"]


def test_an_edited_article_is_found_by_its_new_words_only(api, world, library):
    client = api.as_user(world.engineer1)
    response = client.patch(
        f"/api/v1/kb/articles/{library['general'].pk}/",
        {"body": "按住 F1 和 F4 上电，重置触摸屏密码。"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert _titles(client.get("/api/v1/kb/articles/", {"search": "触摸屏"})) == [
        "Resetting the HMI password"
    ]
    assert _titles(client.get("/api/v1/kb/articles/", {"search": "prompts"})) == []
