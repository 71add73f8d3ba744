"""What a picked evidence file is: a photo (and when it was taken, from its EXIF) or a document."""

from __future__ import annotations

import io
import mimetypes
import warnings
from datetime import datetime

from PIL import ExifTags, Image, UnidentifiedImageError

from desk.core.glossary import AttachmentKind

# Phones that save HEIC are photos even though Pillow cannot open them without a plugin.
_PHOTO_SUFFIXES_UNREADABLE = (".heic", ".heif")
_EXIF_FORMATS = ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y:%m:%d %H:%M", "%Y/%m/%d %H:%M:%S")


def open_image(data: bytes) -> Image.Image | None:
    """The image in ``data``, or None when it is not one Pillow can read."""
    try:
        with warnings.catch_warnings():
            # A huge picture is still evidence; only its preview is scaled down by the UI.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # Only the header and EXIF are read here; decoding the pixels is the preview's job.
            return Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def _parse_exif_date(value: object) -> datetime | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", errors="ignore")
    if not isinstance(value, str):
        return None
    text = value.strip().rstrip("\x00").strip()
    for fmt in _EXIF_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None  # “0000:00:00 00:00:00” and other placeholders


def taken_at(image: Image.Image) -> datetime | None:
    """When the photo was taken: EXIF DateTimeOriginal, else DateTimeDigitized, else DateTime."""
    try:
        exif = image.getexif()
        sub = exif.get_ifd(ExifTags.IFD.Exif)
    except (OSError, ValueError, SyntaxError):
        return None
    for value in (sub.get(ExifTags.Base.DateTimeOriginal), sub.get(ExifTags.Base.DateTimeDigitized),
                  exif.get(ExifTags.Base.DateTime)):
        found = _parse_exif_date(value)
        if found is not None:
            return found
    return None


def classify(filename: str, data: bytes) -> tuple[AttachmentKind, str, datetime | None]:
    """(kind, MIME type, when taken) of a file the clerk picked."""
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    image = open_image(data)
    if image is not None:
        fmt = (image.format or "").upper()
        mime = Image.MIME.get(fmt, mime)
        return AttachmentKind.PHOTO, mime, taken_at(image)
    if filename.lower().endswith(_PHOTO_SUFFIXES_UNREADABLE):
        return AttachmentKind.PHOTO, mime, None
    return AttachmentKind.DOCUMENT, mime, None
