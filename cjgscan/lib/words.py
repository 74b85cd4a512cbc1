"""Lists in running text, for sentences the report and the results pages write."""

from collections.abc import Sequence

from django.utils.translation import gettext as _


def join_words(parts: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(list)s and %(last)s") % {"list": ", ".join(parts[:-1]), "last": parts[-1]}
