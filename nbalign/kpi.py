"""KPI values as people write them: a number with its unit, the way it moves, the time left.

A KPI's ``current`` and ``target`` are written in business units: ``26.5%``, ``$1.2M``,
``EUR 30k``, ``1,200,000 USD``, ``1,200 customers``, ``12 per 1000 screenings``, ``12``.
:func:`parse_quantity` reads them into a :class:`Quantity`, :func:`format_quantity` writes one
back with its unit, :func:`direction` says whether the KPI should go up or down, :func:`time_left`
says how far the deadline is, and :func:`kpi_statement` puts it all in one sentence of intent.

Pure: no I/O, no third-party imports.

Examples
--------
>>> q = parse_quantity("EUR 30k")
>>> q.value, q.kind, q.currency, format_quantity(q)
(30000.0, 'money', 'EUR', 'EUR 30k')
>>> direction("26.5%", "22%")
'decrease'
>>> import datetime
>>> time_left("2027-06-30", today=datetime.date(2026, 11, 28))
'7 months left'
"""

from __future__ import annotations

import calendar
import datetime as _dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

__all__ = [
    "Quantity",
    "QuantityError",
    "QuantityTooLarge",
    "describe_quantity",
    "direction",
    "format_quantity",
    "kpi_statement",
    "parse_quantity",
    "time_left",
]

MINUS = "\u2212"

# Currency markers written before or after the amount, and the ISO 4217 code each stands for.
SYMBOLS = {
    "US$": "USD", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD", "NZ$": "NZD",
    "HK$": "HKD", "S$": "SGD", "R$": "BRL", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY",
    "₹": "INR", "₩": "KRW", "₺": "TRY", "₪": "ILS", "₽": "RUB",
}
CODES = frozenset({
    "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "CNY", "HKD", "SGD", "INR", "KRW",
    "SEK", "NOK", "DKK", "ISK", "PLN", "CZK", "HUF", "RON", "BGN", "TRY", "ILS", "RUB", "BRL",
    "MXN", "ARS", "CLP", "COP", "ZAR", "NGN", "KES", "EGP", "AED", "SAR", "QAR", "THB", "IDR",
    "MYR", "PHP", "VND", "TWD",
})
# Words for a currency after the amount ("30k euros").
CURRENCY_WORDS = {"dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR"}

# Scale words and the factor each stands for; the first of each factor is how it is written back.
SCALES = {"k": 10**3, "K": 10**3, "thousand": 10**3,
          "M": 10**6, "m": 10**6, "mn": 10**6, "mio": 10**6, "million": 10**6,
          "bn": 10**9, "B": 10**9, "b": 10**9, "billion": 10**9}
_SCALE_SHOWN = {10**3: "k", 10**6: "M", 10**9: "bn"}

_SIGN = r"[-+\u2212]"
# A number token as typed, separators and all; whether it is well formed is checked apart, so a
# mistake gets its own message instead of "not understood".
_NUMBER_TOKEN = re.compile(r"(?:\d[\d,._]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?")
_SCALE = re.compile(r"(thousand|million|billion|mio|mn|bn|k|K|M|B)(?![A-Za-z])"
                    r"|\s+(thousand|million|billion|mio|mn|bn|k|K|M|B)(?![A-Za-z])"
                    r"|(m|b)(?![A-Za-z])")
_PREFIX = re.compile(
    rf"(?P<sign>{_SIGN})?\s*(?:(?P<symbol>{'|'.join(re.escape(s) for s in SYMBOLS)})|(?P<code>[A-Za-z]{{3}})\s*)?"
    rf"\s*(?P<sign2>{_SIGN})?"
)
_SPACED_THOUSANDS = re.compile(r"(?:[ \u202f\xa0]\d{3})+(?:[.,]\d+)?(?![\d,.])")
_UNIT_WORDS = re.compile(r"[A-Za-z][A-Za-z' -]*")

_SHOWN_LENGTH = 60
# A KPI value is a few words; a longer text is a mistake, and refusing it keeps parsing linear.
MAX_LENGTH = 200

EXAMPLES = {
    "percent": "a percentage as 26.5%",
    "money": "an amount as $1.2M",
    "count": "a count as 1,200 customers",
    "number": "a number as 12 or 0.5",
}
ANY_EXAMPLE = ("a number (12, 0.5), a percentage (26.5%), an amount ($1.2M, EUR 30k, 1,200,000 USD) "
               "or a count (1,200 customers)")


class QuantityError(ValueError):
    """A KPI value that cannot be read: what is wrong (``problem``) and what to write (``fix``).

    ``str()`` is the whole message: ```26,5 %%` has a decimal comma and a doubled %: write a
    percentage as 26.5%.``
    """

    def __init__(self, problem: str, fix: str, text: str | None = None):
        self.problem, self.fix, self.text = problem, fix, text
        subject = f"`{_cut(text)}` " if text is not None else ""
        super().__init__(f"{subject}{problem}: {fix}.")


class QuantityTooLarge(QuantityError):
    """A value too large for a floating-point number (beyond about 1.8e308), such as ``$1e309``."""


# How every value too large for a float is refused, in the objective's own words for a number.
NOT_FINITE = "is not a finite number (it is too large for a floating-point number)"


@dataclass(frozen=True)
class Quantity:
    """A KPI value with its unit.

    ``value`` is the number in the unit shown (26.5 for ``26.5%``, 1200000.0 for ``$1.2M``).
    ``kind`` is ``"percent"``, ``"money"`` (``currency`` is its ISO 4217 code), ``"count"`` (a
    whole number of ``unit``: ``1,200 customers``) or ``"number"`` (``unit`` is the text after
    it, if any: ``12 per 1000 screenings``).

    ``scale``, ``marker`` and ``marker_after`` only record how the value was written (``k`` in
    ``30k``, ``EUR`` before the amount), so it is shown back the same way; they take no part in
    equality: ``$1.2M == 1,200,000 USD``.
    """

    value: float
    kind: str
    currency: str | None = None
    unit: str | None = None
    scale: str | None = field(default=None, compare=False)
    marker: str | None = field(default=None, compare=False)
    marker_after: bool = field(default=False, compare=False)


def parse_quantity(text: str) -> Quantity:
    """Read a KPI value as people write it.

    Parameters
    ----------
    text : str
        ``26.5%``, ``26.5 %``, ``$1.2M``, ``€30k``, ``EUR 30k``, ``1,200,000 USD``, ``£5.5bn``,
        ``USD 2.3 million``, ``1,200 customers``, ``12 per 1000 screenings``, ``12``, ``0.5``,
        ``5e4``. Commas separate thousands; k, M, bn (and thousand, million, billion) scale.

    Raises
    ------
    QuantityError
        A ``ValueError`` saying what is wrong and what to write instead.

    Examples
    --------
    >>> parse_quantity("1,200 customers")
    Quantity(value=1200.0, kind='count', currency=None, unit='customers', scale=None, marker=None, marker_after=False)
    >>> parse_quantity("26,5 %%")
    Traceback (most recent call last):
    ...
    nbalign.kpi.QuantityError: `26,5 %%` has a decimal comma and a doubled %: write a percentage as 26.5%.
    """
    original = str(text)
    stripped = original.strip()
    if not stripped:
        raise QuantityError("is empty", f"write {ANY_EXAMPLE}", original)
    if len(stripped) > MAX_LENGTH:
        raise QuantityError(f"is {len(stripped):,} characters long, too long for a value", f"write {ANY_EXAMPLE}",
                            original)
    intended = _intended_kind(stripped)
    number = _NUMBER_TOKEN.search(stripped)
    if number is None:
        raise QuantityError("has no number", f"write {EXAMPLES.get(intended, ANY_EXAMPLE)}", original)

    before, token, after = stripped[: number.start()], number.group(), stripped[number.end():]
    spaced = _SPACED_THOUSANDS.match(after) if "." not in token and "," not in token else None
    if spaced:  # 1 200 000: read, so the message can show it with commas
        thousands = spaced.group().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
        token, after = token + thousands, after[spaced.end():]
    prefix = _PREFIX.fullmatch(before)
    if prefix is None or (prefix.group("code") and prefix.group("code").upper() not in CODES):
        raise QuantityError(f"does not start with its number (`{_cut(before.strip(), 20)}` comes first)",
                            f"write {_example_for(intended, None)}", original)
    negative = MINUS in before.replace("-", MINUS)
    digits, problems = _read_digits(token)
    if spaced:
        problems.insert(0, "spaces between thousands")

    scale_match = _SCALE.match(after)
    scale = next((g for g in scale_match.groups() if g), None) if scale_match else None
    rest = after[scale_match.end():] if scale_match else after
    rest = rest.strip()

    marker, marker_after = prefix.group("symbol") or (prefix.group("code") or "").upper() or None, False
    percent = False
    unit = None
    if rest.startswith("%") or rest.lower() in ("percent", "per cent", "pct"):
        percent = True
        if rest.startswith("%%") or rest.replace(" ", "").startswith("%%"):
            problems.append("a doubled %")
        elif rest.startswith("%") and rest[1:].strip():
            problems.append(f"words after the % (`{_cut(rest[1:].strip(), 20)}`)")
    elif _currency_of(rest) is not None:
        if marker is not None:
            problems.append("two currencies")
        marker, marker_after = _marker_as_written(rest), True
    elif rest:
        if rest[0].isdigit():
            problems.append("a second number after the first")
            digits = None
        elif rest.startswith("/") or _UNIT_WORDS.match(rest):
            unit = rest
        else:
            problems.append(f"`{_cut(rest, 20)}` after the number")

    kind = "percent" if percent else "money" if marker else intended
    if percent and marker:
        problems.append("both a currency and a %")
    if percent and scale:
        problems.append(f"a scale ({scale}) on a percentage")
    if marker and unit is not None and not unit.lower().startswith(("per ", "/", "a ")):
        problems.append(f"`{_cut(unit, 20)}` after the amount")
        digits = None  # what was meant is unclear (`$1.2MM`): the message shows the standard example
    if problems or digits is None:
        fix = _example_for(kind, digits, marker=marker, marker_after=marker_after, scale=scale,
                           unit=unit, negative=negative)
        raise QuantityError(f"has {' and '.join(problems)}" if problems else "is not a number",
                            f"write {fix}", original)

    factor = SCALES[scale] if scale else 1
    value = float((-digits if negative else digits) * factor)
    if not math.isfinite(value):  # 1e309: no sum, product or projection of it is a number
        counted = kind == "number" and unit is not None and _is_count(1.0, unit)  # 1e309 customers
        raise QuantityTooLarge(NOT_FINITE, f"write {EXAMPLES['count' if counted else kind]}", original)
    shown_scale = _SCALE_SHOWN[factor] if scale else None
    if percent:
        return Quantity(value, "percent")
    if marker:
        return Quantity(value, "money", currency=_currency_of(marker), unit=unit, scale=shown_scale,
                        marker=marker, marker_after=marker_after)
    if unit is not None and _is_count(value, unit):
        return Quantity(value, "count", unit=unit, scale=shown_scale)
    return Quantity(value, "number", unit=unit, scale=shown_scale)


def format_quantity(quantity: Quantity) -> str:
    """A quantity written with its unit, as it was written: ``26.5%``, ``$1.2M``, ``EUR 30k``,
    ``1,200,000 USD``, ``1,200 customers``, ``12 per 1000 screenings``. Negatives carry U+2212.

    Examples
    --------
    >>> format_quantity(parse_quantity("USD 2.3 million"))
    'USD 2.3M'
    """
    factor = {v: k for k, v in _SCALE_SHOWN.items()}.get(quantity.scale or "", 1)
    magnitude = Decimal(repr(abs(quantity.value))) / factor
    number = _digits(magnitude) + (quantity.scale or "")
    sign = MINUS if quantity.value < 0 else ""
    if quantity.kind == "percent":
        return f"{sign}{number}%"
    if quantity.kind == "money":
        marker = quantity.marker or quantity.currency or "?"
        if quantity.marker_after:
            text = f"{sign}{number} {marker}"
        else:
            text = f"{sign}{marker}{' ' if marker[-1].isalpha() else ''}{number}"
    else:
        text = f"{sign}{number}"
    if quantity.unit:
        text += quantity.unit if quantity.unit.startswith("/") else f" {quantity.unit}"
    return text


def describe_quantity(quantity: Quantity) -> str:
    """What kind of value it is, for messages: ``a percentage``, ``an amount in USD``,
    ``a count of customers``, ``a number per 1000 screenings``, ``a plain number``."""
    if quantity.kind == "percent":
        return "a percentage"
    if quantity.kind == "money":
        return f"an amount in {quantity.currency}"
    if quantity.kind == "count":
        return f"a count of {quantity.unit}"
    return f"a number {quantity.unit}" if quantity.unit else "a plain number"


def direction(current: Quantity | str, target: Quantity | str) -> str:
    """``"decrease"`` or ``"increase"``: which way the KPI must move from current to target.

    Raises
    ------
    QuantityError
        When either value cannot be read, when they are not the same kind of value (a
        percentage and an amount, two currencies, counts of different things), or when the
        target equals the current value.

    Examples
    --------
    >>> direction("$1.2M", "1,500,000 USD")
    'increase'
    """
    current, target = _as_quantity(current), _as_quantity(target)
    check_comparable(current, target)
    if target.value == current.value:
        raise QuantityError(
            f"target {format_quantity(target)} equals current {format_quantity(current)}, and a target "
            "equal to the current value is no change to aim for",
            "write the value the KPI should reach by the deadline",
        )
    return "decrease" if target.value < current.value else "increase"


def check_comparable(current: Quantity, target: Quantity) -> None:
    """Raise :class:`QuantityError` unless current and target are the same kind of value."""
    if current.kind == target.kind and current.currency == target.currency and _same_unit(current, target):
        return
    problem = f"current is {describe_quantity(current)} and target {describe_quantity(target)}"
    if current.kind == "money" and target.kind == "money":
        fix = f"write both in {current.currency} (nbalign does not convert currencies)"
    elif current.kind == "percent" and target.kind == "number" and not target.unit:
        percent = target.value * 100 if abs(target.value) <= 1 < abs(current.value) else target.value
        fix = f"write the target as a percentage too, e.g. `target: {format_quantity(Quantity(percent, 'percent'))}`"
    elif target.kind == "number" and not target.unit:
        # A bare number next to a unit: the unit was most likely left out.
        like = Quantity(target.value, current.kind, current.currency, current.unit, target.scale,
                        current.marker, current.marker_after)
        fix = f"write the target with the same unit, e.g. `target: {format_quantity(like)}`"
    elif current.kind == "number" and not current.unit:
        like = Quantity(current.value, target.kind, target.currency, target.unit, current.scale,
                        target.marker, target.marker_after)
        fix = f"write the current value with the same unit, e.g. `current: {format_quantity(like)}`"
    else:
        fix = "write both in the same unit"
    raise QuantityError(problem, fix)


def time_left(deadline_iso: str, today: _dt.date | str | None = None) -> str:
    """How far the deadline is: ``7 months left``, ``3 weeks left``, ``12 days left``,
    ``due today``, ``2 months overdue``, ``3 years left``.

    Counts whole calendar periods and rounds down, so it never promises more time than there is:
    days under two weeks, weeks under two months, months under two years, then years. A month
    from January 31 is the last day of February.

    Examples
    --------
    >>> time_left("2027-03-01", today="2027-02-15")
    '2 weeks left'
    """
    deadline = _dt.date.fromisoformat(str(deadline_iso).strip())
    today = _dt.date.today() if today is None else today
    today = _dt.date.fromisoformat(today) if isinstance(today, str) else today
    if isinstance(today, _dt.datetime):
        today = today.date()
    if deadline == today:
        return "due today"
    start, end = sorted((today, deadline))
    days, months = (end - start).days, _whole_months(start, end)
    if days < 14:
        amount = _plural(days, "day")
    elif months < 2:
        amount = _plural(days // 7, "week")
    elif months < 24:
        amount = _plural(months, "month")
    else:
        amount = _plural(months // 12, "year")
    return f"{amount} {'left' if deadline > today else 'overdue'}"


def kpi_statement(kpi, today: _dt.date | str | None = None) -> str:
    """The KPI as one sentence of intent.

    ``kpi`` is a :class:`~nbalign.objective.KPI` (or anything with its attributes: name,
    current, target, deadline, owner, judge). Values are shown with their unit; a value that
    cannot be read (an objective stored before values were checked) is shown as written.

    Examples
    --------
    >>> from nbalign.objective import KPI
    >>> print(kpi_statement(KPI("share of customers who cancel within the quarter", "26.5%", "22%",
    ...                         "2027-06-30", "VP Customer Success"), today="2026-11-28"))
    ... # doctest: +NORMALIZE_WHITESPACE
    Cut the share of customers who cancel within the quarter from 26.5% to 22% by 2027-06-30
    (7 months left); accountable: VP Customer Success.
    >>> kpi_statement(KPI("agents find the suggestions useful", judge="Head of Support",
    ...                   deadline="2027-01-31"), today="2026-11-28")
    'Agents find the suggestions useful, judged by Head of Support by 2027-01-31 (2 months left).'
    """
    name = _text(kpi.name)
    measure = _with_article(name)
    current, target = _text(kpi.current), _text(kpi.target)
    judge, deadline, owner = _text(kpi.judge), _text(kpi.deadline), _text(kpi.owner)
    if current and target:
        verb = {"decrease": "Cut", "increase": "Raise", None: "Move"}[_direction_or_none(current, target)]
        intent = f"{verb} {measure} from {_shown(current)} to {_shown(target)}"
    elif target:
        intent = f"Bring {measure} to {_shown(target)}"
    elif current:
        intent = f"Improve {measure} from {_shown(current)} (no target set)"
    elif judge:
        intent = f"{name[:1].upper()}{name[1:]}, judged by {judge}"
    else:
        intent = f"Improve {measure}"
    if deadline:
        intent += f" by {deadline}"
        try:
            intent += f" ({time_left(deadline, today)})"
        except ValueError:  # a deadline stored before dates were checked: shown as written
            pass
    if owner:
        intent += f"; accountable: {owner.rstrip('.')}"
    return intent + "."


# --------------------------------------------------------------------------- helpers


def _cut(text: str, length: int = _SHOWN_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 3] + "..."


def _text(value) -> str:
    return "" if value is None else str(value).strip()


_DETERMINERS = frozenset({"the", "a", "an", "our", "their", "its", "his", "her", "my", "your", "each",
                          "every", "this", "that", "these", "those"})


def _with_article(name: str) -> str:
    """The KPI's name as the object of a verb: ``the share of customers who cancel``."""
    first = name.split(maxsplit=1)[0].lower() if name else ""
    return name if first in _DETERMINERS or first.endswith("'s") else f"the {name}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _as_quantity(value: Quantity | str) -> Quantity:
    return value if isinstance(value, Quantity) else parse_quantity(value)


def _shown(text: str) -> str:
    try:
        return format_quantity(parse_quantity(text))
    except ValueError:
        return text


def _direction_or_none(current: str, target: str) -> str | None:
    try:
        return direction(current, target)
    except ValueError:
        return None


def _currency_of(text: str) -> str | None:
    """The ISO code of a currency marker (``$``, ``€``, ``eur``, ``euros``), or None."""
    text = text.strip()
    return SYMBOLS.get(text) or (text.upper() if text.upper() in CODES else None) or CURRENCY_WORDS.get(text.lower())


def _marker_as_written(text: str) -> str:
    text = text.strip()
    return text.upper() if text.upper() in CODES else text


def _intended_kind(text: str) -> str:
    """What a value seems meant to be, to pick the example a message suggests."""
    if "%" in text or "percent" in text.lower():
        return "percent"
    if any(symbol in text for symbol in SYMBOLS) or any(
            word.upper() in CODES or word.lower() in CURRENCY_WORDS for word in re.findall(r"[A-Za-z]+", text)):
        return "money"
    return "number"


def _read_digits(token: str) -> tuple[Decimal | None, list[str]]:
    """The number a token spells and what is wrong with how it is written.

    When the intent is clear (a decimal comma, dots between thousands) the number is still read,
    so the message can show the value written the right way.
    """
    plain = token.replace("_", "")
    split = re.match(r"([^eE]*)(.*)", plain)
    assert split is not None  # both groups may be empty: any text matches
    mantissa, exponent = split.groups()
    problems: list[str] = []
    if mantissa.count(".") > 1 and "," not in mantissa:
        groups = mantissa.split(".")
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            problems.append("more than one decimal point")
            return None, problems
        problems.append("dots between thousands")
        mantissa = "".join(groups)
    elif "," in mantissa:
        whole, _, decimals = mantissa.partition(".")
        groups = whole.split(",")
        if "," in decimals or "." in decimals:
            problems.append("separators after the decimal point")
            return None, problems
        if len(groups) == 2 and not decimals and len(groups[1]) != 3:
            problems.append("a decimal comma")
            mantissa = ".".join(groups)
        elif not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            problems.append("commas that do not separate thousands")
            mantissa = "".join(groups) + (f".{decimals}" if decimals else "")
        else:
            mantissa = "".join(groups) + (f".{decimals}" if decimals or mantissa.endswith(".") else "")
    try:
        return Decimal(mantissa + exponent), problems
    except InvalidOperation:
        problems.append("a number that cannot be read")
        return None, problems


def _example_for(kind: str, digits: Decimal | None, *, marker: str | None = None,
                 marker_after: bool = False, scale: str | None = None, unit: str | None = None,
                 negative: bool = False) -> str:
    """What to write instead: the user's own number written the right way when it could be read,
    else the standard example of the kind."""
    if digits is None or not math.isfinite(float(digits) * SCALES.get(scale or "", 1)):
        return EXAMPLES.get(kind, ANY_EXAMPLE)
    value = float(-digits if negative else digits)
    shown_scale = _SCALE_SHOWN.get(SCALES.get(scale or "", 0))
    if kind == "percent":
        return f"a percentage as {format_quantity(Quantity(value, 'percent'))}"
    if kind == "money":
        marker = marker or "$"
        quantity = Quantity(value * SCALES.get(scale or "", 1), "money", _currency_of(marker), None,
                            shown_scale, marker, marker_after)
        return f"an amount as {format_quantity(quantity)}"
    quantity = Quantity(value * SCALES.get(scale or "", 1), "number", unit=unit, scale=shown_scale)
    return f"{'a count' if unit else 'a number'} as {format_quantity(quantity)}"


def _digits(magnitude: Decimal) -> str:
    """A non-negative decimal with commas between thousands and no trailing zeros: 1,200 / 2.3."""
    normal = magnitude.normalize()
    return f"{normal:,f}"


def _is_count(value: float, unit: str) -> bool:
    """Whole things of one kind (``1,200 customers``), not a rate (``12 per 1000 screenings``)."""
    words = unit.lower()
    return value == int(value) and not (words.startswith(("per ", "/")) or any(c.isdigit() for c in words))


def _same_unit(a: Quantity, b: Quantity) -> bool:
    """Same unit text, whatever the case and a plural s (``1 customer``, ``900 customers``)."""
    def key(q: Quantity) -> tuple[str, ...]:
        return tuple(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in (q.unit or "").lower().split())
    return key(a) == key(b)


def _whole_months(start: _dt.date, end: _dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (``start <= end``)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if _add_months(start, months) > end:
        months -= 1
    return months


def _add_months(day: _dt.date, months: int) -> _dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return _dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
