"""Number formats of the report: plain decimals, never scientific notation.

Example:
    >>> plain_number(1e-05), plain_number(1234567.0, 7), plain_number(0.000123456789)
    ('0.00001', '1,234,567', '0.000123457')
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["plain_number"]


def plain_number(value: float, significant: int = 6) -> str:
    """``value`` rounded to ``significant`` digits, written positionally with thousands
    separators (a recipe coefficient of 1e-05 reads ``0.00001``, not ``1e-05``).

    Example:
        >>> plain_number(0.23), plain_number(-2500.5, 3), plain_number(float("nan"))
        ('0.23', '-2,500', '')
    """
    if value is None or not math.isfinite(value):
        return ""
    text = np.format_float_positional(float(value), precision=significant, unique=False,
                                      fractional=False, trim="-")
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = text.partition(".")
    return sign + f"{int(whole):,}" + (f".{fraction}" if fraction else "")
