"""Photos from the outside world, made safe: checked by content, bounded in bytes and pixels
(decompression bombs), turned upright, stripped of EXIF and re-encoded at two sizes."""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from exhibit.core.errors import ValidationFailed

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
#: more pixels than any phone camera produces; a larger image is refused before decoding
MAX_PIXELS = 50_000_000
DISPLAY_SIZE = 1600
THUMB_SIZE = 400


@dataclass
class ProcessedPhoto:
    display: bytes
    thumb: bytes
    width: int
    height: int


def _refuse(field: str, message: str):
    raise ValidationFailed(message, fields={field: message})


def open_image(content: bytes, *, field: str, max_bytes: int) -> Image.Image:
    """Decode an upload, refusing anything that is not a sane JPEG, PNG or WebP photo."""
    if not content:
        _refuse(field, _("The file is empty."))
    if len(content) > max_bytes:
        _refuse(field, _("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            if image.format not in ALLOWED_FORMATS:
                _refuse(field, _("Use a JPEG, PNG or WebP photo."))
            width, height = image.size
            if width * height > MAX_PIXELS:
                _refuse(field, _("The photo has too many pixels (at most %(mp)d megapixels).",
                                 mp=MAX_PIXELS // 1_000_000))
            image.load()
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(field, _("This file is not a photo we can read; use a JPEG, PNG or WebP photo."))
    except (OSError, SyntaxError, ValueError):  # truncated or corrupt data
        _refuse(field, _("The photo is damaged or incomplete; export it again and retry."))
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """Upright, RGB, transparency on white."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image, longest_side: int) -> tuple[bytes, tuple[int, int]]:
    """The image at most ``longest_side`` pixels wide and high, as JPEG, with its size."""
    copy = image.copy()
    copy.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif= argument: the new file carries no camera data, GPS position or comments.
    copy.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), copy.size


def process_photo(content: bytes, *, field: str = "photo", max_bytes: int) -> ProcessedPhoto:
    image = _flatten(open_image(content, field=field, max_bytes=max_bytes))
    display, (width, height) = _jpeg(image, DISPLAY_SIZE)
    thumb, _size = _jpeg(image, THUMB_SIZE)
    return ProcessedPhoto(display=display, thumb=thumb, width=width, height=height)


def process_scan(content: bytes, *, field: str, max_bytes: int) -> tuple[bytes, str]:
    """A certificate scan: a PDF kept as sent (checked by its signature), or a photo
    re-encoded as JPEG. Returns (bytes, suffix)."""
    if content[:5] == b"%PDF-":
        if len(content) > max_bytes:
            _refuse(field, _("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024)))
        if b"%%EOF" not in content[-2048:]:
            _refuse(field, _("The PDF is damaged or incomplete; export it again and retry."))
        return content, ".pdf"
    image = _flatten(open_image(content, field=field, max_bytes=max_bytes))
    return _jpeg(image, 2400)[0], ".jpg"
