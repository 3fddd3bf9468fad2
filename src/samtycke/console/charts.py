"""Inline SVG charts that read at a glance, each with a text alternative and its data.

Every chart is a ``<figure>``: a caption, an SVG with ``role="img"`` named by
its title and described by a one-sentence summary, a legend in text, and the
numbers as a table under a disclosure, so nothing is only in the picture.
Revision markers (the days a new declaration went live) are dashed vertical
lines labelled with the revision, on every time chart.
"""

from __future__ import annotations

from collections.abc import Sequence

from samtycke.console.html import Html, esc, join, table

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 20, 36
Series = tuple[str, Sequence[float]]


def _number(value: float, percent: bool) -> str:
    return f"{value * 100:.1f} %" if percent else f"{value:,.0f}".replace(",", " ")


def _ceiling(value: float, percent: bool) -> float:
    if percent:
        return 1.0
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    return float(-(-value // step) * step)


def line_chart(
    ident: str,
    title: str,
    days: Sequence[str],
    series: Sequence[Series],
    markers: Sequence[tuple[str, int]] = (),
    *,
    percent: bool = False,
) -> Html:
    """Daily ``series`` over ``days`` with revision ``markers`` (day, revision)."""
    top = _ceiling(max((v for _, vs in series for v in vs), default=0.0), percent)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(days)

    def x(i: int) -> float:
        return LEFT + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)

    def y(v: float) -> float:
        return TOP + inner_h * (1 - v / top)

    parts: list[str] = []
    for frac in (0.0, 0.5, 1.0):
        gy = y(top * frac)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{gy:.1f}" y2="{gy:.1f}"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end">{esc(_number(top * frac, percent))}</text>'
        )
    for i in sorted({0, n // 2, n - 1}) if n else ():
        # The end labels align inwards, so neither is cut at the edge.
        anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - 12}" text-anchor="{anchor}">{esc(days[i])}</text>'
        )
    index = {d: i for i, d in enumerate(days)}
    for day, revision in markers:
        if day in index:
            mx = x(index[day])
            parts.append(
                f'<line class="marker" x1="{mx:.1f}" x2="{mx:.1f}" y1="{TOP}" y2="{TOP + inner_h}"/>'
            )
            parts.append(f'<text x="{mx + 3:.1f}" y="{TOP - 6}">rev {revision}</text>')
    for k, (_, values) in enumerate(series):
        cls = f"s{k % 4 + 1}"
        if n == 1:
            parts.append(f'<circle class="{cls}" cx="{x(0):.1f}" cy="{y(values[0]):.1f}" r="4"/>')
            continue
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline class="line {cls}" points="{points}"/>')
    summary = "; ".join(
        f"{label}: {_number(sum(vs) / len(vs) if percent and vs else sum(vs), percent)}"
        + (" on average" if percent else " in total")
        for label, vs in series
    )
    if markers:
        summary += "; " + ", ".join(f"revision {r} went live on {d}" for d, r in markers)
    rows = [(day, *(_number(vs[i], percent) for _, vs in series)) for i, day in enumerate(days)]
    data = table(f"{title}, per day", ["Day", *(label for label, _ in series)], rows)
    return _figure(ident, title, summary, Html("".join(parts)), _legend(series), data)


def bar_chart(ident: str, title: str, bars: Sequence[tuple[str, float, int]]) -> Html:
    """Horizontal bars of rates (0..1): (label, rate, count) each."""
    row_h, label_w = 28, 180
    height = TOP + row_h * max(1, len(bars)) + 8
    inner_w = WIDTH - label_w - 80
    parts: list[str] = []
    for i, (label, rate, _) in enumerate(bars):
        y = TOP + i * row_h
        w = max(0.0, min(1.0, rate)) * inner_w
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{esc(label)}</text>')
        parts.append(
            f'<rect class="s1" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}"/>'
        )
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + 17}">{esc(_number(rate, True))}</text>'
        )
    summary = "; ".join(f"{label}: {_number(rate, True)}" for label, rate, _ in bars) or "no data"
    rows = [(label, _number(rate, True), n) for label, rate, n in bars]
    data = table(title, ["Name", "Rate", "Opted in"], rows)
    svg_body = Html("".join(parts))
    return _figure(ident, title, summary, svg_body, Html(""), data, height=height)


def _legend(series: Sequence[Series]) -> Html:
    items = join(
        Html(f'<li><span class="key s{k % 4 + 1}" aria-hidden="true"></span>{esc(label)}</li>')
        for k, (label, _) in enumerate(series)
    )
    return Html(f'<ul class="legend">{items}</ul>')


def _figure(
    ident: str, title: str, summary: str, body: Html, legend: Html, data: Html, height: int = HEIGHT
) -> Html:
    return Html(
        f'<figure aria-labelledby="{ident}-c"><figcaption id="{ident}-c">{esc(title)}</figcaption>'
        f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}"><title id="{ident}-t">{esc(title)}</title>'
        f'<desc id="{ident}-d">{esc(summary)}</desc>{body}</svg>{legend}'
        f"<details><summary>The numbers</summary>{data}</details></figure>"
    )
