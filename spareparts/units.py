"""Units of measure as people read them. A part's `unit` is stored as a short code
("pcs", "set"…); pages and PDFs show the reader's word for the common ones and any
other code as it was entered."""

from django.utils.translation import pgettext_lazy

UNIT_LABELS = {
    "pcs": pgettext_lazy("unit of measure", "pcs"),
    "pc": pgettext_lazy("unit of measure", "pcs"),
    "set": pgettext_lazy("unit of measure", "set"),
    "pair": pgettext_lazy("unit of measure", "pair"),
    "box": pgettext_lazy("unit of measure", "box"),
    "roll": pgettext_lazy("unit of measure", "roll"),
    "m": pgettext_lazy("unit of measure", "m"),
    "kg": pgettext_lazy("unit of measure", "kg"),
    "l": pgettext_lazy("unit of measure", "l"),
}


def unit_label(code: str) -> str:
    return str(UNIT_LABELS.get((code or "").strip().lower(), code or ""))
