"""SLA warnings other apps' pages show without importing the SLA app: `{% load
sla_warnings %}{% site_time_zone_warning site %}` on the site page."""

from django import template

register = template.Library()


@register.inclusion_tag("sla/_time_zone_warning.html")
def site_time_zone_warning(site):
    from sla.selectors import site_time_zone_mismatch

    mismatch = site_time_zone_mismatch(site)
    if mismatch is None:
        return {"warning": None}
    site_zone, calendar = mismatch
    return {
        "warning": {
            "site_zone": site_zone,
            "calendar": calendar.name,
            "calendar_zone": calendar.time_zone,
        }
    }


@register.inclusion_tag("sla/_time_zone_warning.html")
def clocks_time_zone_warning(clocks, site):
    """The same warning on a ticket, from its business clocks' calendars (no query)."""
    for clock in clocks:
        calendar = clock.calendar if clock.clock_kind == "business" else None
        if calendar is not None and calendar.time_zone != site.time_zone:
            return {
                "warning": {
                    "site_zone": site.time_zone,
                    "calendar": calendar.name,
                    "calendar_zone": calendar.time_zone,
                }
            }
    return {"warning": None}
