"""Small-group protection: which groups may be shown, alone or merged, so that no one is recognisable.

A group with fewer respondents than the round's minimum is never shown. Nor may it be recoverable by
subtraction: if the total and all other groups were visible, total − others would reveal it. So the small
groups are pooled; while the pool is below the minimum, the smallest visible group joins it too. A pool that
reaches the minimum is shown as one group, "overig" (other); if even everything together stays below the
minimum, nothing is shown.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Suppression(Generic[K]):
    minimum: int
    visible: tuple[K, ...]  # shown on their own
    merged: tuple[K, ...]  # shown together, as "other"; empty when nothing is merged
    hidden: tuple[K, ...]  # shown nowhere, not even merged
    total_visible: bool
    reasons: dict[K, str] = field(default_factory=dict)  # "too_small" | "protects_other"

    @property
    def shows_other(self) -> bool:
        return bool(self.merged)

    def is_visible(self, key: K) -> bool:
        return key in self.visible


def suppress(sizes: Mapping[K, int], minimum: int) -> Suppression[K]:
    """Decide for each group (by its number of respondents) how it may be shown."""
    total = sum(sizes.values())
    empty = [k for k, n in sizes.items() if n == 0]
    if total < minimum:
        non_empty = tuple(k for k, n in sizes.items() if n > 0)
        return Suppression(minimum, (), (), non_empty, False, {k: "too_small" for k in non_empty})
    pool = [k for k, n in sizes.items() if 0 < n < minimum]
    reasons: dict[K, str] = {k: "too_small" for k in pool}
    visible = sorted((k for k, n in sizes.items() if n >= minimum), key=lambda k: (sizes[k], str(k)))
    if pool:
        while sum(sizes[k] for k in pool) < minimum and visible:
            protector = visible.pop(0)  # the smallest visible group
            pool.append(protector)
            reasons[protector] = "protects_other"
    order = {k: i for i, k in enumerate(sizes)}
    shown = tuple(sorted(visible, key=order.__getitem__))
    merged = tuple(sorted(pool, key=order.__getitem__))
    assert not merged or sum(sizes[k] for k in merged) >= minimum
    del empty  # empty groups reveal nothing: they are neither shown nor counted as hidden
    return Suppression(minimum, shown, merged, (), True, reasons)
