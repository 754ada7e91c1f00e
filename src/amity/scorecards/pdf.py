"""PDF documents (WeasyPrint): the business case on one page, the QBR pack of an alliance and
the portfolio report. Charts are SVG drawn here on the server, so the PDFs need no browser, no
JavaScript and no network; fonts are the system's.

WeasyPrint needs the Pango library of the operating system (Debian: ``libpango-1.0-0``). Where it
is missing, :func:`available` says why and the pages answer 503 with that reason.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import escape

PALETTE = ("#5b4fcf", "#2f6690", "#c9a227", "#3a9d8f", "#e76f51")


def available() -> tuple[bool, str]:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return False, f"PDFs need WeasyPrint and the Pango library of the operating system ({exc})."
    return True, ""


def render(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


def _num(value: Any) -> float:
    return float(value) if isinstance(value, Decimal | int | float) else 0.0


def hbar_svg(
    labels: list[str], values: list[Any], *, width: int = 640, colors: list[str] | None = None, fmt=None
) -> str:
    """Horizontal bars (negative values to the left of a zero line), labelled."""
    fmt = fmt or (lambda v: f"{v:,.0f}")
    row, label_w, pad = 22, 150, 8
    nums = [_num(v) for v in values]
    lo, hi = min([0.0, *nums]), max([0.0, *nums])
    span = (hi - lo) or 1.0
    plot = width - label_w - 70
    zero = label_w + (0 - lo) / span * plot
    height = row * len(labels) + pad * 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-size="10" font-family="sans-serif">'
    ]
    for i, (label, v) in enumerate(zip(labels, nums, strict=True)):
        y = pad + i * row
        x0 = zero if v >= 0 else zero + v / span * plot
        w = abs(v) / span * plot
        color = (colors or [])[i] if colors and i < len(colors) else PALETTE[0]
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(label[:28])}</text>')
        parts.append(
            f'<rect x="{x0:.1f}" y="{y + 4}" width="{max(w, 0.5):.1f}" height="{row - 8}" fill="{color}"/>'
        )
        parts.append(f'<text x="{max(x0 + w, zero) + 4:.1f}" y="{y + 14}">{escape(fmt(v))}</text>')
    parts.append(
        f'<line x1="{zero:.1f}" y1="{pad}" x2="{zero:.1f}" y2="{height - pad}" stroke="#888" stroke-width="0.6"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(
    labels: list[str], values: list[Any], *, width: int = 640, height: int = 150, color: str = PALETTE[3]
) -> str:
    """Vertical bars (a histogram), labels under every few bars."""
    nums = [_num(v) for v in values]
    top = max(nums or [1.0]) or 1.0
    n = max(len(nums), 1)
    bw = (width - 20) / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 18}" font-size="8" font-family="sans-serif">'
    ]
    for i, v in enumerate(nums):
        h = v / top * (height - 10)
        x = 10 + i * bw
        parts.append(
            f'<rect x="{x:.1f}" y="{height - h:.1f}" width="{max(bw - 1, 0.5):.1f}" height="{h:.1f}" fill="{color}"/>'
        )
        if i % max(n // 6, 1) == 0 and i < len(labels):
            parts.append(f'<text x="{x:.1f}" y="{height + 12}">{escape(labels[i])}</text>')
    parts.append("</svg>")
    return "".join(parts)
