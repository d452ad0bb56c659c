# The same formats as English (servicedesk/formats/en): what Chinese business software
# shows (2026-12-02 14:30), so a date reads the same on a page and in a notification.
from servicedesk.formats.en.formats import *  # noqa: F403
