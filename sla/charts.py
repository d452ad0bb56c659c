"""Small server-side SVG charts for the dashboard: no JavaScript, no library, readable
at a phone's width (the SVG scales to its container)."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 600, 220, 44, 28, 12
COLOURS = {"line": "#1565c0", "goal": "#2e7d32", "grid": "#ccc", "bar": "#1565c0"}


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else f"{round(value, 2):g}"


def line_chart(
    points: list[tuple[str, float | None]],
    *,
    title: str,
    percent: bool = False,
    goal: float | None = None,
    y_max: float | None = None,
) -> SafeString:
    """A line over labelled points (None = no value, the line breaks there)."""
    values = [v for _label, v in points if v is not None]
    # An all-zero series still gets a readable axis (0 … 1), never 1e-09.
    top = y_max or (max([*values, goal or 0]) * (1 if percent else 1.1)) or 1
    plot_w, plot_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
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
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}" '
            f'stroke="{COLOURS["grid"]}"/>'
            f'<text x="{PAD_LEFT - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{_fmt(top * fraction, percent)}</text>"
        )
    if goal is not None:
        y = xy(0, goal)[1]
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}" '
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
            current.append(xy(i, value))
    if current:
        segments.append(current)
    for segment in segments:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
        parts.append(
            f'<polyline fill="none" stroke="{COLOURS["line"]}" stroke-width="2" points="{path}"/>'
        )
        parts += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOURS["line"]}"/>'
            for x, y in segment
        ]
    every = max(1, len(points) // 8)
    for i, (label, _value) in enumerate(points):
        if i % every == 0:
            x = xy(i, 0)[0]
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 8}" font-size="11" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    if not points:
        parts.append(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">—</text>')
    parts.append("</svg>")
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
            f'<text x="{label_w - 6}" y="{y + 17}" font-size="12" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row_h - 8}" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + width + 6:.1f}" y="{y + 17}" font-size="12">{value:g}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
