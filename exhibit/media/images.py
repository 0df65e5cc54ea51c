"""Photos from the outside world, made safe: checked by content, bounded in bytes and pixels
(decompression bombs), turned upright, stripped of EXIF and re-encoded at two sizes.

What a photo may cost a worker is bounded before anything is decoded:

- a JPEG (what phones take, 12 to 200 megapixels) is decoded by libjpeg at 1/2, 1/4 or 1/8 of
  its size ("draft" mode), no larger than the biggest copy we keep, so a 50 MP photo costs about
  what a 3 MP one does; a progressive JPEG (a web export, never a phone's) keeps every
  coefficient in memory while decoding, so it is held to MAX_PROGRESSIVE_PIXELS;
- PNG and WebP cannot be decoded at a reduced size, so they are refused above
  MAX_LOSSLESS_PIXELS (a screenshot or a designed label is far below it; a "bomb" — a small
  file that inflates to billions of pixels — is far above);
- every image is shrunk to the size kept before anything else is done to it (turning upright,
  flattening transparency), so no full-size copy is ever made;
- at most DECODE_SLOTS images are decoded at once per process; other requests wait their turn.
"""
from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from exhibit.core.errors import ValidationFailed

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
#: the largest phone cameras (200 MP); a JPEG is decoded at a reduced size, see draft below
MAX_JPEG_PIXELS = 210_000_000
#: a progressive JPEG is decoded with all its coefficients in memory (about 6 bytes a pixel)
MAX_PROGRESSIVE_PIXELS = 24_000_000
#: PNG and WebP are decoded whole (libwebp needs about 16 bytes a pixel while it does):
#: 3000 × 3000 pixels at most, far more than a screenshot or a designed label
LOSSLESS_SIDE = 3000
MAX_LOSSLESS_PIXELS = LOSSLESS_SIDE * LOSSLESS_SIDE
# Pillow's own bomb check (a warning above this, an error above twice it) must not refuse what
# the limits above accept: they are checked before any decoding.
Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS
DISPLAY_SIZE = 1600
THUMB_SIZE = 400
SCAN_SIZE = 2400
#: images decoded at the same time in one process
DECODE_SLOTS = 2
#: the EXIF tag that says which way is up
ORIENTATION = 0x0112

_decoding = threading.BoundedSemaphore(DECODE_SLOTS)


@dataclass
class ProcessedPhoto:
    display: bytes
    thumb: bytes
    width: int
    height: int


def _refuse(field: str, message: str):
    raise ValidationFailed(message, fields={field: message})


def open_image(content: bytes, *, field: str, max_bytes: int, longest_side: int) -> Image.Image:
    """Decode an upload, refusing anything that is not a sane JPEG, PNG or WebP photo. A JPEG
    is decoded no larger than needed for ``longest_side`` pixels."""
    if not content:
        _refuse(field, _("The file is empty."))
    if len(content) > max_bytes:
        _refuse(field, _("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))  # reads the header only
            if image.format not in ALLOWED_FORMATS:
                _refuse(field, _("Use a JPEG, PNG or WebP photo."))
            width, height = image.size
            if image.format == "JPEG":
                if width * height > MAX_JPEG_PIXELS:
                    _refuse(field, _("The photo has too many pixels (at most %(mp)d megapixels).",
                                     mp=MAX_JPEG_PIXELS // 1_000_000))
                if image.info.get("progressive") and width * height > MAX_PROGRESSIVE_PIXELS:
                    _refuse(field, _("This progressive JPEG is too large (at most %(mp)d "
                                     "megapixels); save it as a standard JPEG or smaller.",
                                     mp=MAX_PROGRESSIVE_PIXELS // 1_000_000))
                scale = longest_side / max(width, height)
                if scale < 1:
                    image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
            elif width * height > MAX_LOSSLESS_PIXELS:
                _refuse(field, _("This PNG or WebP image is too large (at most %(side)d × "
                                 "%(side)d pixels); save it as a JPEG photo or make it smaller.",
                                 side=LOSSLESS_SIDE))
            image.load()
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(field, _("This file is not a photo we can read; use a JPEG, PNG or WebP photo."))
    except (OSError, SyntaxError, ValueError):  # truncated or corrupt data
        _refuse(field, _("The photo is damaged or incomplete; export it again and retry."))
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """Upright, RGB, transparency on white (on an image already shrunk: each step copies it)."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _shrunk(image: Image.Image, longest_side: int) -> Image.Image:
    """The image at most ``longest_side`` pixels wide and high (shrunk in place). A palette
    image is given its colours first, so it is not shrunk by nearest neighbour."""
    if image.mode in ("P", "1") and max(image.size) > longest_side:
        image = image.convert("RGBA" if image.mode == "P" else "L")
    image.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return image


def _jpeg_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif= argument: the new file carries no camera data, GPS position or comments.
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def _prepared(content: bytes, *, field: str, max_bytes: int, longest_side: int) -> Image.Image:
    """Decoded, upright, RGB and no larger than ``longest_side``, one decode slot at a time."""
    with _decoding:
        image = open_image(content, field=field, max_bytes=max_bytes, longest_side=longest_side)
        orientation = image.getexif().get(ORIENTATION)
        image = _shrunk(image, longest_side)
        if orientation:  # the shrunk copy may have dropped the tag exif_transpose reads
            image.getexif()[ORIENTATION] = orientation
        return _flatten(image)


def process_photo(content: bytes, *, field: str = "photo", max_bytes: int) -> ProcessedPhoto:
    display = _prepared(content, field=field, max_bytes=max_bytes, longest_side=DISPLAY_SIZE)
    width, height = display.size
    thumb = _shrunk(display.copy(), THUMB_SIZE)
    return ProcessedPhoto(display=_jpeg_bytes(display), thumb=_jpeg_bytes(thumb),
                          width=width, height=height)


def process_scan(content: bytes, *, field: str, max_bytes: int) -> tuple[bytes, str]:
    """A certificate scan: a PDF kept as sent (checked by its signature), or a photo
    re-encoded as JPEG. Returns (bytes, suffix)."""
    if content[:5] == b"%PDF-":
        if len(content) > max_bytes:
            _refuse(field, _("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024)))
        if b"%%EOF" not in content[-2048:]:
            _refuse(field, _("The PDF is damaged or incomplete; export it again and retry."))
        return content, ".pdf"
    image = _prepared(content, field=field, max_bytes=max_bytes, longest_side=SCAN_SIZE)
    return _jpeg_bytes(image), ".jpg"
