"""The same knowledge-base searches on PostgreSQL (marker `service`): the term index
is plain SQL, so Chinese and English words are found there as on SQLite."""

import pytest

from tests.concurrency import require_postgresql

from .test_search import SEARCHES, _titles

pytestmark = [pytest.mark.service, pytest.mark.django_db]


@pytest.mark.parametrize(("words", "expected"), SEARCHES)
def test_search_on_postgresql_finds_chinese_and_english_words(api, world, library, words, expected):
    require_postgresql()
    response = api.as_user(world.dispatcher).get("/api/v1/kb/articles/", {"search": words})
    assert _titles(response) == expected
