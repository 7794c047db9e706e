"""How numbers and the KPI read, everywhere nbalign shows them.

One set of rules for the inline line, the plot, messages and the sidebar (``format.ts``); both
test suites read the cases in ``protocol/format.json``. Rounding is half away from zero on the
exact value (what JavaScript's ``toFixed`` does with a magnitude), negatives carry U+2212, and a
value that rounds to zero never shows a minus. Any finite number reads: from :data:`HUGE` on, a
magnitude is written in scientific notation with four significant digits (``1.235e+30``), as no
one reads 31 digits (an MSE of a badly scaled target, a progress over a gap of almost nothing).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeGuard

DASH = "\u2014"
MINUS = "\u2212"
ARROW = "\u2192"

_QUANTUM = {3: Decimal("0.001"), 2: Decimal("0.01"), 1: Decimal("0.1"), 0: Decimal("1")}

# From here a magnitude is written in scientific notation. It is where JavaScript's own
# number-to-text (the sidebar's) turns to an exponent, so both agree on round values
# (``1e+30``); below it, whole digits stay exact within the 28 digits of Python's decimals.
HUGE = 1e21
_SIGNIFICANT = 4


def _scientific(magnitude: float | Decimal, digits: int = _SIGNIFICANT, *, zeros: bool = False) -> str:
    """``1e+30``, ``1.235e+30``: ``digits`` significant digits, without trailing zeros unless
    ``zeros`` (``1.000000000e+30`` beside ``1.000000001e+30``)."""
    text = format(magnitude, f"{'#' if zeros else ''}.{digits}g")
    if not zeros and "." in text:  # a Decimal keeps its trailing zeros where a float's "g" drops them
        mantissa, _, exponent = text.partition("e")
        text = mantissa.rstrip("0").rstrip(".") + ("e" + exponent if exponent else "")
    return text


def _decimals(magnitude: float) -> int:
    """Decimals by magnitude, so 0.624, 56.50, 107.9 and 25,310 all read well."""
    if magnitude >= 1000:
        return 0
    if magnitude >= 100:
        return 1
    if magnitude >= 1:
        return 2
    return 3


def _magnitude(value: float) -> str:
    magnitude = float(abs(value))
    if magnitude >= HUGE:
        return _scientific(magnitude)
    decimals = _decimals(magnitude)
    if not (magnitude * 10**decimals * 2).is_integer():
        # Not a tie (an exact tie survives the multiplication exactly): float formatting rounds
        # the exact value correctly, and fast.
        return f"{magnitude:,.0f}" if decimals == 0 else f"{magnitude:.{decimals}f}"
    rounded = Decimal(magnitude).quantize(_QUANTUM[decimals], rounding=ROUND_HALF_UP)
    return f"{rounded:,.0f}" if decimals == 0 else f"{rounded:.{decimals}f}"


def _is_number(value: object) -> TypeGuard[float]:
    return value is not None and value == value and value not in (float("inf"), float("-inf"))


def _signed(value: float, text: str) -> str:
    return MINUS + text if value < 0 and text.strip("0.,") else text


def format_score(value: float | None) -> str:
    """A metric value: ``0.624``, ``−0.250``, ``56.50``, ``107.9``, ``25,310``; ``—`` for none."""
    if not _is_number(value):
        return DASH
    return _signed(value, _magnitude(value))


def format_apart(a: float | None, b: float | None) -> tuple[str, str]:
    """Two scores a message compares, with enough decimals that different ones read differently:
    ``0.7376`` and ``0.7380``, not ``0.738`` and ``0.738`` (up to 6 decimals)."""
    first, second = format_score(a), format_score(b)
    if a == b or first != second or not (_is_number(a) and _is_number(b)):
        return first, second
    if max(abs(a), abs(b)) >= HUGE:  # more significant digits, not more decimals of 22 whole ones
        for digits in range(_SIGNIFICANT + 1, 18):
            first, second = (_signed(v, _scientific(abs(v), digits, zeros=True)) for v in (a, b))
            if first != second:
                break
        return first, second
    for decimals in range(_decimals(max(abs(a), abs(b))) + 1, 7):
        step = Decimal(1).scaleb(-decimals)
        first, second = (_signed(v, f"{Decimal(abs(v)).quantize(step, rounding=ROUND_HALF_UP):,.{decimals}f}")
                         for v in (a, b))
        if first != second:
            break
    return first, second


def format_small(value: float | None) -> str:
    """A threshold such as min_gain, with the digits it needs: ``0.020``, ``500.0``, and
    ``0.00026`` where :func:`format_score` would round it to ``0.000``."""
    text = format_score(value)
    if not (_is_number(value) and value and not text.strip("0.,\u2212")):
        return text
    decimals = _first_digit(value) + 1  # two significant digits: 0.000073, not 7.3e-05
    return f"{value:.{decimals}f}" if decimals <= _SMALL_DECIMALS else f"{value:.2g}"


# Beyond this many decimals a small number reads in scientific notation (1e-300 is no row of zeros).
_SMALL_DECIMALS = 8


def _first_digit(value: float) -> int:
    """The decimal place of a small number's first significant digit: 4 for 0.0004."""
    import math

    return max(0, -math.floor(math.log10(abs(value))))


def format_change(value: float | None) -> str:
    """A signed change: ``+0.090``, ``−0.005``, ``±0.000`` when it rounds to nothing."""
    if not _is_number(value):
        return DASH
    text = _magnitude(value)
    if not text.strip("0.,"):
        return "\u00b1" + text
    return ("+" if value > 0 else MINUS) + text


def format_interval(low: float | None, high: float | None, confidence: float = 0.95) -> str:
    """A confidence interval of a change: ``95% CI −0.004 to +0.030``; ``—`` when there is none.

    The ends read as changes (signed), so an interval that straddles zero shows it at a glance.
    """
    if not (_is_number(low) and _is_number(high)):
        return DASH
    return f"{format_level(confidence)} CI {format_ends(low, high)}"


def format_ends(low: float | None, high: float | None) -> str:
    """An interval of a change without its level, for a level said apart (a family's, ``at 97.5%``):
    ``−0.004 to +0.030``; ``—`` when there is none."""
    if not (_is_number(low) and _is_number(high)):
        return DASH
    return f"{_interval_end(low)} to {_interval_end(high)}"


def _interval_end(value: float) -> str:
    """An interval's end as a change, with the digits that keep its side of zero: ``−0.0004``,
    never ``±0.000`` for an end that is not 0."""
    text = format_change(value)
    if value == 0 or not text.startswith("\u00b1"):
        return text
    decimals = _first_digit(value)
    magnitude = f"{abs(value):.{decimals}f}" if decimals <= _SMALL_DECIMALS else _scientific(abs(value), 1)
    return ("+" if value > 0 else MINUS) + magnitude


def format_level(confidence: float) -> str:
    """A confidence level as people say it: ``95%``, ``97.5%``."""
    percent = Decimal(str(confidence)) * 100
    return f"{percent.normalize():f}%"


def format_family_level(level: float) -> str:
    """The level of one comparison in a family corrected for many: ``98.33%``, ``99%``, with the
    digits it needs and never ``100%`` (:func:`format_level` writes a level as stated, in full)."""
    for digits in range(4, 10):
        text = f"{level * 100:.{digits}g}"
        if float(text) < 100:
            return f"{text}%"
    return f"{level * 100}%"


def format_p(p: float) -> str:
    """A p-value as the sidebar writes it (``formatPValue``): ``p = 0.025``, ``p < 0.001`` (never
    ``p = 0``); protocol/format.json pins both."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def format_percent(progress: float | None) -> str:
    """Progress from baseline (0) to target (1) as a whole percent, never clamped: ``−12%``.

    It never disagrees with the banner: short of the target never reads ``100%`` (0.997 reads
    ``99%``), and below the baseline never reads ``0%`` (−0.004 reads ``−1%``).
    """
    if not _is_number(progress):
        return DASH
    if abs(progress) >= HUGE / 100:  # a target a hair's breadth from the baseline; exact past 1e306
        return (MINUS if progress < 0 else "") + f"{_scientific(Decimal(abs(progress)).scaleb(2))}%"
    percent = int(Decimal(abs(progress) * 100).quantize(_QUANTUM[0], rounding=ROUND_HALF_UP))
    if 0 <= progress < 1 and percent >= 100:
        percent = 99
    elif progress < 0 and percent == 0:
        percent = 1
    return (MINUS if progress < 0 else "") + f"{percent}%"


def kpi_line(kpi) -> str:
    """The KPI's movement in one line: ``26.5% → 22% by 2027-06-30``, or ``judged by Ana``.

    The KPI's name and owner are shown apart; the line is empty when there is nothing to say.
    """
    if kpi is None:
        return ""
    current, target, deadline, judge = (_text(getattr(kpi, k)) for k in ("current", "target", "deadline", "judge"))
    if current or target:
        move = f" {ARROW} ".join(t for t in (current, target) if t) if current else f"{ARROW} {target}"
        return f"{move} by {deadline}" if deadline else move
    if judge:
        return f"judged by {judge} by {deadline}" if deadline else f"judged by {judge}"
    return f"by {deadline}" if deadline else ""


def _text(value) -> str:
    return "" if value is None else str(value).strip()


# ------------------------------------------------------------------ rates, shares and money


# From here a number, a percentage or an amount (in its largest unit) is written in scientific
# notation: nobody reads 31 digits, and a value that large is a mistake to see, not to hide.
_HUGE_AMOUNT = 1e15


def format_number(x: float | None) -> str:
    """A rate or threshold as people read it: two significant decimals (``0.57``, ``0.031``);
    scientific notation far from 1 (``1.5e+30``, ``1e−300``)."""
    if x is None or not math.isfinite(x):
        return DASH
    text = f"{x:.2f}" if 0.1 <= abs(x) < _HUGE_AMOUNT else f"{x:.3g}" if abs(x) >= _HUGE_AMOUNT else f"{x:.2g}"
    return text.replace("-", MINUS)


def format_share(x: float | None) -> str:
    """A share as a percentage: ``20%``, ``8.3%``, ``0.5%``; a share that is not 0 never reads
    ``0%`` (``0.004%``, ``1e−298%``), and a huge one is scientific (``1e+32%``)."""
    if x is None or not math.isfinite(x):
        return DASH
    if abs(x) >= _HUGE_AMOUNT / 100:  # x * 100 may overflow: move the exponent instead
        mantissa, _, exponent = f"{x:.3g}".partition("e")  # always an exponent at this size
        text = f"{mantissa}e{int(exponent) + 2:+03d}%"
    else:
        percent = x * 100
        if 0 < abs(percent) < 0.05:
            text = f"{percent:.2g}%"
        else:
            text = f"{percent:.0f}%" if abs(percent - round(percent)) < 0.05 else f"{percent:.1f}%"
    return text.replace("-", MINUS)


def format_money(amount: float | None, value=None) -> str:
    """An amount in the value's currency (``$184k``, ``−$12.40``, ``EUR 1.23M``); a plain number
    when the value was written without one."""
    if amount is None or not math.isfinite(amount):
        return DASH
    size = abs(amount)
    if size >= 1e4:
        for factor, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
            if size >= factor:
                scaled = size / factor
                if scaled < 1000:
                    number = f"{scaled:.3g}"
                else:
                    number = f"{scaled:,.0f}" if size < _HUGE_AMOUNT else f"{size:.3g}"
                number += suffix if size < _HUGE_AMOUNT else ""
                break
    elif size >= 100 or size == int(size):
        number = f"{size:,.0f}"
    else:
        number = f"{size:.2f}"
    sign = MINUS if amount < 0 and float(number.rstrip("kMbn").replace(",", "")) != 0 else ""
    marker = getattr(value, "marker", None) or getattr(value, "currency", None)
    if not marker:
        return f"{sign}{number}"
    return f"{sign}{marker}{' ' if marker[-1].isalpha() else ''}{number}"
