"""Ticket search (issue 15): an exact number, Latin words and Chinese words (bigrams)
in the title, the symptom and the customer-visible comments."""

import pytest

from tickets import search, services

pytestmark = pytest.mark.django_db


def test_the_document_splits_chinese_into_bigrams_and_lowercases_words():
    assert search.document("Pump 漏水报警", "E42 restart") == "pump 漏水 水报 报警 e42 restart"
    assert search._tsquery("漏水报警 pump") == "(漏水 <-> 水报 <-> 报警) & pump:*"
    assert search._tsquery("漏") == "漏:*"


def test_a_number_is_recognised_in_any_case_and_short_form():
    assert search.exact_number("fr-2026-123") == "FR-2026-000123"
    assert search.exact_number(" FR-2026-000123 ") == "FR-2026-000123"
    assert search.exact_number("pump 2026") is None


def test_search_over_the_api(world, api, build):
    leak = build.new(title="泵站漏水", description="Water on the floor near the pump.")
    other = build.new(title="Compressor noise", description="压缩机异响")
    services.comment_add(ticket=other, author=world.dispatcher, body="Bearing replaced, 轴承磨损")
    services.comment_add(ticket=other, author=world.dispatcher, body="secretword", internal=True)
    client = api.as_user(world.dispatcher)

    def ids(query):
        response = client.get("/api/v1/tickets/", {"search": query})
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids("漏水") == [leak.pk]  # a two-character Chinese word
    assert ids("异响") == [other.pk]
    assert ids("轴承") == [other.pk]  # from a comment
    assert ids("pump") == [leak.pk]
    assert ids("COMPRESS") == [other.pk]  # a word's beginning
    assert ids(other.number.lower()) == [other.pk]
    assert ids("secretword") == []  # internal notes are not searchable
    assert ids("漏") == [leak.pk]  # one character: a bigram's beginning
    assert ids("水漏") == []  # order matters in a Chinese word


def test_editing_the_report_keeps_the_document(world, build):
    ticket = build.new(title="Old title", description="old symptom")
    services.comment_add(ticket=ticket, author=world.customer_a, body="客户补充说明")
    services.ticket_edit(ticket=ticket, actor=world.customer_a, title="冷却系统故障")
    ticket.refresh_from_db()
    assert "冷却" in ticket.search_document and "补充" in ticket.search_document
    assert "old" in ticket.search_document and "title" not in ticket.search_document


def test_the_page_search_uses_the_same_rules(world, client, build):
    leak = build.new(title="泵站漏水")
    client.force_login(world.dispatcher)
    body = client.get("/tickets/", {"q": "漏水"}).content.decode()
    assert leak.number in body
    assert "Compressor" not in body
