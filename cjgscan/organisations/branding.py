"""An organisation's house style: a colour that white text stays readable on, and a logo that is safe to serve.

The colour must give white text a contrast of at least 4.5:1 (WCAG 2.1 AA for normal text), because the header
puts white links and buttons on it. The logo is accepted as PNG or JPEG only (no SVG: it can carry script), at most
LOGO_MAX_BYTES and LOGO_MAX_PIXELS, decoded by Pillow and written out again as a fresh PNG of at most
LOGO_BOX: whatever else the file held (metadata, trailing bytes, a second image) is not kept.
"""

import io
import re

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

HEX_COLOUR = re.compile(r"^#[0-9a-f]{6}$")
AA_CONTRAST = 4.5
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 4000 * 4000  # decompression bombs: refused before decoding
LOGO_BOX = (640, 160)  # shown at most 3rem high in the header; twice that for sharp screens
ACCEPTED_FORMATS = {"PNG", "JPEG"}


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of #rrggbb."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


def clean_colour(value: str) -> str:
    """'' (no colour of its own) or a lower-case #rrggbb on which white text has AA contrast."""
    colour = value.strip().lower()
    if not colour:
        return ""
    if re.fullmatch(r"[0-9a-f]{6}", colour):
        colour = "#" + colour
    if not HEX_COLOUR.match(colour):
        raise ValidationError(_("Give the colour as a hex code of six digits, for example #1d4f91."))
    ratio = contrast_with_white(colour)
    if ratio < AA_CONTRAST:
        raise ValidationError(
            _(
                "White text on %(colour)s has a contrast of %(ratio)s:1; it needs at least 4.5:1 to be readable. "
                "Choose a darker colour."
            )
            % {"colour": colour, "ratio": number_format(ratio, 1)}
        )
    return colour


def sanitise_logo(data: bytes) -> tuple[bytes, int, int]:
    """A PNG or JPEG file → (fresh PNG bytes, width, height), or ValidationError."""
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo may be at most 512 KB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("The logo must be a PNG or JPEG file."))
            if probe.width * probe.height > LOGO_MAX_PIXELS:
                raise ValidationError(_("The logo is too large; use at most 4000 × 4000 pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            converted = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("The logo must be a PNG or JPEG file.")) from None
    converted.thumbnail(LOGO_BOX)
    out = io.BytesIO()
    converted.save(out, format="PNG", optimize=True)
    return out.getvalue(), converted.width, converted.height
