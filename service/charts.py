"""Small charts drawn on the server as SVG (no script, no request elsewhere): a line over
dates, bars by category. Colours come from ikg.css through classes; values are in each
point's tooltip and in a table beside the chart, for screen readers and for copying."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

__all__ = ["line_chart", "bar_chart", "number"]


def number(v: float | int | None) -> str:
    """A figure as people read it: thousands separated, at most one decimal."""
    if v is None:
        return "–"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.1f}"
    return f"{int(v):,}"


def line_chart(points: Sequence[tuple[date, float | None]], title: str, marks: Sequence[tuple[date, str]] = (),
               width: int = 260, height: int = 120) -> Markup:
    """``points`` (day, value) as a line from zero up, with vertical ``marks`` (day, label)."""
    known = [(d, v) for d, v in points if v is not None]
    if not known:
        return Markup(f'<figure class="chart"><figcaption>{escape(title)}: no data</figcaption></figure>')
    left, right, top, bottom = 6, width - 6, 18, height - 18
    first, last = known[0][0].toordinal(), max(d.toordinal() for d, _ in known)
    span = max(1, last - first)
    high = max(v for _, v in known) or 1.0

    def x(d: date) -> float:
        return left + (right - left) * (d.toordinal() - first) / span

    def y(v: float) -> float:
        return bottom - (bottom - top) * v / high

    parts = [f'<figure class="chart"><svg viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)} over time" xmlns="http://www.w3.org/2000/svg">',
             f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>']
    for d, label in marks:
        if first <= d.toordinal() <= last:
            parts.append(f'<line class="mark" x1="{x(d):.1f}" y1="{top - 6}" x2="{x(d):.1f}" y2="{bottom}">'
                         f'<title>{escape(label)}</title></line>')
    path = "L".join(f"{x(d):.1f},{y(v):.1f}" for d, v in known)
    parts.append(f'<path class="line" d="M{path}"/>')
    parts += [f'<circle class="point" cx="{x(d):.1f}" cy="{y(v):.1f}" r="2.5"><title>{d.isoformat()}: '
              f'{number(v)}</title></circle>' for d, v in known]
    parts.append(f'<text class="tick" x="{left}" y="{height - 4}">{known[0][0].year}</text>'
                 f'<text class="tick" x="{right}" y="{height - 4}" text-anchor="end">{known[-1][0].year}</text>'
                 f'<text class="tick" x="{left}" y="{top - 8}">{number(high)}</text></svg>'
                 f'<figcaption>{escape(title)}</figcaption></figure>')
    return Markup("".join(parts))


def bar_chart(bars: Sequence[tuple[str, float]], title: str, width: int = 260, height: int = 120) -> Markup:
    """``bars`` (label, value) side by side from zero up."""
    if not bars:
        return Markup(f'<figure class="chart"><figcaption>{escape(title)}: none</figcaption></figure>')
    left, right, top, bottom = 6, width - 6, 18, height - 18
    high = max(v for _, v in bars) or 1.0
    step = (right - left) / len(bars)
    parts = [f'<figure class="chart"><svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>']
    for i, (label, v) in enumerate(bars):
        h = (bottom - top) * v / high
        parts.append(f'<rect class="bar" x="{left + i * step + 1:.1f}" y="{bottom - h:.1f}" '
                     f'width="{max(1.0, step - 2):.1f}" height="{h:.1f}"><title>{escape(label)}: {number(v)}'
                     f'</title></rect>')
    parts.append(f'<text class="tick" x="{left}" y="{height - 4}">{escape(bars[0][0])}</text>'
                 f'<text class="tick" x="{right}" y="{height - 4}" text-anchor="end">{escape(bars[-1][0])}</text>'
                 f'<text class="tick" x="{left}" y="{top - 8}">{number(high)}</text></svg>'
                 f'<figcaption>{escape(title)}</figcaption></figure>')
    return Markup("".join(parts))
