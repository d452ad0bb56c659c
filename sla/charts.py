"""Small server-side SVG charts for the dashboard: no JavaScript, no library, readable
at a phone's width (the SVG scales to its container)."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A narrow drawing: scaled to a phone's 350 px the 13-unit text is still 11 px.
WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP, PAD_RIGHT = 420, 220, 44, 30, 12, 12
FONT = 13
COLOURS = {"line": "#1565c0", "goal": "#2e7d32", "grid": "#ccc", "bar": "#1565c0"}
AXIS_LABELS = 6  # at most this many x-axis labels (the last always), the rest on hover


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else f"{round(value, 2):g}"


def _values_table(points, title: str, percent: bool) -> str:
    """The same figures as a table for screen readers (the drawing is one image)."""
    rows = "".join(
        f'<tr><th scope="row">{escape(label)}</th>'
        f"<td>{'—' if value is None else _fmt(value, percent)}</td></tr>"  # noqa: S308
        for label, value in points
    )
    return f'<table class="visually-hidden"><caption>{escape(title)}</caption>{rows}</table>'


def _x_labels(points, xy) -> list[str]:
    every = max(1, -(-len(points) // AXIS_LABELS))
    last = len(points) - 1
    shown = [i for i in range(len(points)) if i % every == 0 and last - i >= every / 2]
    parts = []
    for i in [*shown, last] if points else []:
        anchor = "end" if i == last and i else "start" if i == 0 else "middle"
        parts.append(
            f'<text x="{xy(i, 0)[0]:.1f}" y="{HEIGHT - 9}" font-size="{FONT}" '
            f'text-anchor="{anchor}">{escape(points[i][0])}</text>'
        )
    return parts


def line_chart(
    points: list[tuple[str, float | None]],
    *,
    title: str,
    percent: bool = False,
    goal: float | None = None,
    y_max: float | None = None,
) -> SafeString:
    """A line over labelled points (None = no value, the line breaks there). Each
    point names its label and value on hover; a hidden table gives them to screen
    readers."""
    values = [v for _label, v in points if v is not None]
    # An all-zero series still gets a readable axis (0 … 1), never 1e-09.
    top = y_max or (max([*values, goal or 0]) * (1 if percent else 1.1)) or 1
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(len(points) - 1, 1)

    def xy(i, v):
        return PAD_LEFT + i * step, PAD_TOP + plot_h - (v / top) * plot_h

    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart" data-testid="chart" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMidYMid '
        f'meet"><title>{escape(title)}</title>'
    ]
    for fraction in (0, 0.5, 1):
        y = PAD_TOP + plot_h - fraction * plot_h
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" '
            f'stroke="{COLOURS["grid"]}"/>'
            f'<text x="{PAD_LEFT - 4}" y="{y + 4:.1f}" font-size="{FONT}" text-anchor="end">'
            f"{_fmt(top * fraction, percent)}</text>"
        )
    if goal is not None:
        y = xy(0, goal)[1]
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" '
            f'stroke="{COLOURS["goal"]}" '
            f'stroke-dasharray="4 3"/>'
        )
    segments, current = [], []
    for i, (_label, value) in enumerate(points):
        if value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(i)
    if current:
        segments.append(current)
    for segment in segments:
        path = " ".join("{:.1f},{:.1f}".format(*xy(i, points[i][1])) for i in segment)
        parts.append(
            f'<polyline fill="none" stroke="{COLOURS["line"]}" stroke-width="2" points="{path}"/>'
        )
        for i in segment:
            x, y = xy(i, points[i][1])
            label = f"{points[i][0]}: {_fmt(points[i][1], percent)}"
            parts.append(
                f'<g class="point"><title>{escape(label)}</title>'
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{COLOURS["line"]}"/>'
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="transparent"/></g>'
            )
    parts += _x_labels(points, xy)
    if not points:
        parts.append(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">—</text>')
    parts.append("</svg>")
    parts.append(_values_table(points, title, percent))
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def bar_chart(
    items: list[tuple[str, float]], *, title: str, colours: dict[str, str] | None = None
) -> SafeString:
    """Horizontal bars, one per labelled value."""
    row_h, label_w = 26, 120
    height = max(len(items), 1) * row_h + 8
    top = max([v for _label, v in items] + [1e-9])
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height}" role="img" class="chart" data-testid="chart" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = 4 + i * row_h
        width = (WIDTH - label_w - 60) * value / top
        colour = (colours or {}).get(label, COLOURS["bar"])
        parts.append(
            f"<g><title>{escape(label)}: {value:g}</title>"
            f'<text x="{label_w - 6}" y="{y + 17}" font-size="{FONT}" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row_h - 8}" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + width + 6:.1f}" y="{y + 17}" font-size="{FONT}">{value:g}</text>'
            "</g>"
        )
    parts.append("</svg>")
    parts.append(_values_table([(label, value) for label, value in items], title, False))
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
