"""Issue 16: every page a role reaches from the navigation (and one link further), in
zh-hans, shows no English interface word. Allowed: units and acronyms (walk.ALLOWED)
and the data's own free text (names, titles: walk.data_words)."""

import pytest

from tests.factories.accounts import PASSWORD
from tests.web import scenery, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["customer_a", "dispatcher", "engineer1", "expert", "manager", "admin"]


def test_no_english_word_on_any_page_in_chinese(world, browser, live_server):
    scenery.build(world)
    allowed = walk.ALLOWED | walk.data_words()
    found = {}
    for username in ROLES:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        walk.log_in(page, live_server.url, username, PASSWORD, language="zh-hans")
        for url in walk.reachable(page, live_server.url):
            page.goto(url)
            words = walk.english_words(page, allowed)
            if words:
                found[f"{username} {url.removeprefix(live_server.url)}"] = words
        context.close()
    report = "\n".join(f"{where}: {' '.join(words)}" for where, words in sorted(found.items()))
    assert not found, f"English words on Chinese pages:\n{report}"
