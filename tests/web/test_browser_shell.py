import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _nav(page):
    return page.locator("[data-testid=nav]").all_inner_texts()


@pytest.mark.parametrize(
    ("username", "present", "absent"),
    [
        (
            "customer_a",
            {"Sites", "Equipment", "Users", "Report a fault"},
            {"Queue", "SLA dashboard"},
        ),
        ("dispatcher", {"Queue", "Sites", "Equipment"}, {"Users", "Service archive"}),
        ("manager", {"SLA dashboard", "Sites"}, {"Users", "Report a fault", "Service archive"}),
    ],
)
def test_each_role_sees_its_navigation(world, page, login, username, present, absent):
    login(page, username)
    nav = set(_nav(page))
    assert present <= nav
    assert not (absent & nav)


def test_language_switch_to_chinese_and_back(world, page, login):
    login(page, "customer_a")
    page.set_viewport_size({"width": 375, "height": 812})
    page.click("[data-testid=lang-zh-hans]")
    page.wait_for_load_state()
    nav = _nav(page)
    assert "首页" in nav
    assert "站点" in nav
    assert "欢迎" in page.locator("[data-testid=home-title]").inner_text()
    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    assert "Sites" in _nav(page)
