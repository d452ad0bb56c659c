"""Walk the pages a role reaches from the navigation (and one link further), in
Chromium, and collect what a check finds on each: shared by the zh-hans word test and
the axe-core test (issue 16)."""

import re
from urllib.parse import urlparse

from django.apps import apps
from django.db import models

# Links not to follow: leaving, switching, downloads, the admin and the API docs.
SKIP = re.compile(
    r"/accounts/logout|/i18n/|/admin/|/api/|\.pdf$|\.csv$|\.xlsx$|/export/|/photo/|/file"
    r"|/materials/|/attachments/|/download|/verify/|/signature"
)

# The words a Chinese page may show in Latin letters: units, acronyms and formats.
ALLOWED = {
    "PDF",
    "SLA",
    "API",
    "QR",
    "CSV",
    "XLSX",
    "MTBF",
    "MTTR",
    "KPI",
    "KPIs",
    "ID",
    "URL",
    "RRULE",
    "RFC",
    "FREQ",
    "WEEKLY",
    "MONTHLY",
    "INTERVAL",
    "BYDAY",
    "ISO",
    "IMAP",
    "HTML",
    "CN",
    "UTC",
    "GMT",
    "CST",
    "PLC",
    "UPS",
    "HMI",
    "GPS",
    "SMS",
    "VIP",
    "English",
    "Redoc",
    "Swagger",
    "Servicedesk",
    "Markdown",
    "CSAT",
    "JSON",
    "HMAC-SHA",
    "Webhook",  # the technical name Chinese software keeps (issue 17's page)
    # sizes and file types named at an upload field
    "MB",
    "KB",
    *[
        "csv",
        "docx",
        "eml",
        "gif",
        "jpeg",
        "jpg",
        "log",
        "pdf",
        "png",
        "txt",
        "webp",
        "xlsx",
        "zip",
        "heic",
        "mp4",
    ],
    # HTTP header names in API error messages
    "ETag",
    "If-Match",
    "Idempotency-Key",
}
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*")
# Time-zone names (Asia/Shanghai), e-mail addresses, URLs and file names are data.
NOT_WORDS = re.compile(
    r"\b[A-Z][A-Za-z_]+/[A-Za-z_/+-]+\b|\S+@\S+|https?://\S+|\b\S+\.(?:png|jpe?g|pdf|csv)\b"
    r"|(?<![\w/])/[a-z][\w/.-]*"
)
DATA_APPS = ("accounts", "assets", "tickets", "sla", "inspections", "spareparts", "training", "kb")


def data_words() -> set[str]:
    """Every word in the rows' free text (names, titles, numbers): demo data, not
    interface. Fields with choices (statuses, kinds) are interface, and left out."""
    words = set()
    for app in DATA_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            fields = [
                f.name
                for f in model._meta.fields
                if isinstance(f, models.CharField | models.TextField | models.EmailField)
                and not f.choices
                and f.name not in {"password", "event", "kind", "status"}
            ]
            if not fields:
                continue
            for row in model._default_manager.values_list(*fields)[:500]:
                for value in row:
                    words.update(WORD.findall(NOT_WORDS.sub(" ", str(value or ""))))
    return words


TEXT_JS = """() => {
  // Time-zone choices are the IANA database's own names: not read.
  for (const el of document.querySelectorAll('select[name$=time_zone]')) el.style.display = 'none';
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[title],[aria-label],[placeholder],[alt]')) {
    for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
      const value = el.getAttribute(name); if (value) parts.push(value);
    }
  }
  const buttons = document.querySelectorAll('input[type=submit],input[type=button]');
  for (const el of buttons) parts.push(el.value);
  for (const el of document.querySelectorAll('select:not([name$=time_zone]) option')) {
    parts.push(el.textContent);
  }
  return parts.join('\\n');
}"""


def english_words(page, allowed: set[str]) -> list[str]:
    text = NOT_WORDS.sub(" ", page.evaluate(TEXT_JS))
    return sorted(
        {w for w in WORD.findall(text) if w not in allowed and w.strip("'’") not in allowed}
    )


def log_in(page, base: str, username: str, password: str, *, language: str = "en") -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login]")
    page.wait_for_url(f"{base}/")
    switch = page.locator(f"[data-testid=lang-{language}]")
    if switch.count():
        switch.click()
        page.wait_for_load_state()


def pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def reachable(page, base: str, *, depth: int = 1) -> list[str]:
    """The navigation's pages, then the links of those pages (one page per URL shape)."""
    page.goto(base + "/")
    nav = page.eval_on_selector_all("[data-testid=nav]", "els => els.map(e => e.href)")
    seen, order = set(), []

    def add(url):
        parsed = urlparse(url)
        if parsed.netloc != urlparse(base).netloc or SKIP.search(parsed.path):
            return False
        key = pattern(parsed.path)
        if key in seen:
            return False
        seen.add(key)
        order.append(base + parsed.path + (f"?{parsed.query}" if parsed.query else ""))
        return True

    for url in nav:
        add(url)
    if depth:
        for url in list(order):
            page.goto(url)
            for href in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.href)"):
                add(href.split("#")[0])
    return order
