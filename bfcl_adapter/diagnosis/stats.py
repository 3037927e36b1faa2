"""Small exact statistics for per-category accuracy: Wilson intervals and McNemar's exact test.

Written out instead of imported: scipy would be the only reason to pull a heavy dependency into
floor 1, and both formulas are a few lines.
"""

from __future__ import annotations

import math

Z_95 = 1.959963984540054  # two-sided 95% normal quantile


def wilson_interval(correct: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    Preferred over the normal interval because BFCL samples are often tiny (``--limit 5``) and
    accuracies sit near 0 or 1, where the normal interval leaves [0, 1].

    >>> tuple(round(x, 4) for x in wilson_interval(5, 10))
    (0.2366, 0.7634)
    >>> wilson_interval(0, 0)
    (0.0, 1.0)
    """
    if n <= 0:
        return (0.0, 1.0)
    if not 0 <= correct <= n:
        raise ValueError(f"correct={correct} outside 0..{n}")
    p = correct / n
    z2 = z * z
    denominator = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    # In exact arithmetic the bounds bracket p and reach 0 (k = 0) or 1 (k = n); floats can miss
    # by an ulp, so say it explicitly.
    low = 0.0 if correct == 0 else min(p, max(0.0, center - half))
    high = 1.0 if correct == n else max(p, min(1.0, center + half))
    return (low, high)


def mcnemar_exact(fixed: int, broken: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pair counts.

    Under H0 each discordant pair is a fair coin: p = min(1, 2 * P(X <= min(b, c))),
    X ~ Binomial(b + c, 1/2). Integer arithmetic keeps it exact for any realistic n.

    >>> mcnemar_exact(0, 5)
    0.0625
    >>> mcnemar_exact(3, 3)
    1.0
    """
    if fixed < 0 or broken < 0:
        raise ValueError("pair counts must be non-negative")
    n = fixed + broken
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(fixed, broken) + 1))
    return min(1.0, 2 * tail / 2**n)
