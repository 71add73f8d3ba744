"""Contact details of the business people a team visits: read them in any common form,
keep one canonical form, and mask them wherever they leave the clerk's own screen.

Contact details are personal information (个人信息). Lists and exports show
``138****1234``, ``0418-****567``, ``a***@example.com``; the full value is shown one lead
at a time when the clerk asks for it (and the store writes that to the audit log).

Canonical forms the ledger stores:
* mobile: 11 digits, ``13812341234`` (``+86``/``0086``/``86`` prefixes dropped);
* landline: ``0418-1234567`` (area code, dash, 7–8 digit number), an extension as
  ``0418-1234567转801``; a local number without area code as ``1234567``;
* service numbers: ``400-812-3123``;
* other countries: ``+852 91234567``.
Several numbers in one field are joined with ``、``.
"""

from __future__ import annotations

import re
import unicodedata

SEPARATOR = "、"
_SPLIT_RE = re.compile(r"[、,;；/|]|或")
_EXT_RE = re.compile(r"(?:转|分机|ext\.?|extension|x|#)\s*(\d{1,6})\s*$", re.I)
_ALLOWED_RE = re.compile(r"^[\d\s\-–—().+]*$")
_DASH_EXT_RE = re.compile(r"^(\(?0\d{2,3}\)?[\s\-–—]*[2-9]\d{6,7})[\s\-–—]+(\d{1,5})$")
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+$")
_WECHAT_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{3,29}$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Mainland area codes: 010 and 02x have three digits (with the 0), the rest four.
_SHORT_AREA = re.compile(r"^0(10|2\d)")


class ContactError(ValueError):
    """A contact detail that cannot be a real one; the message is for the clerk."""


def _half_width(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _split_area(digits: str) -> tuple[str, str]:
    """``04181234567`` → (``0418``, ``1234567``)."""
    size = 3 if _SHORT_AREA.match(digits) else 4
    return digits[:size], digits[size:]


def normalize_one_phone(text: str) -> str:
    """One number in its canonical form; raises :class:`ContactError`."""
    shown = text.strip()
    raw = _half_width(text)
    if not raw:
        raise ContactError("号码是空的")
    ext = ""
    found = _EXT_RE.search(raw)
    if found and found.start() > 0:
        ext = found.group(1)
        raw = raw[: found.start()].rstrip(" -–—,")
    else:
        dashed = _DASH_EXT_RE.match(raw)
        if dashed:  # 0418-1234567-801
            raw, ext = dashed.group(1), dashed.group(2)
    if not _ALLOWED_RE.match(raw):
        raise ContactError(f"“{shown}”含有号码以外的文字")
    digits = re.sub(r"\D", "", raw)
    from_abroad = False
    if raw.startswith("+") or digits.startswith("00"):
        body = digits[2:] if digits.startswith("00") else digits
        if not body.startswith("86"):
            return _international(shown, body, ext)
        digits, from_abroad = body[2:], True
    elif len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]  # "86 138…" written without the plus
    if len(digits) < 7:
        raise ContactError(f"“{shown}”位数太少，不是电话号码")
    if _MOBILE_RE.match(digits):
        if ext:
            raise ContactError(f"手机号码“{shown}”不能带分机号")
        return digits
    if from_abroad and (digits.startswith("10") or digits[:1] in "23456789"):
        digits = "0" + digits  # "+86 418 1234567": the area code without its 0
    if digits[:1] == "1":
        if len(digits) == 11:
            raise ContactError(f"“{shown}”不是有效的手机号码（第二位应是 3–9）")
        raise ContactError(f"手机号码“{shown}”应为 11 位，现在是 {len(digits)} 位")
    if digits[:3] in ("400", "800") and len(digits) == 10 and not from_abroad:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if digits.startswith("0"):
        area, number = _split_area(digits)
        if len(area) == 4 and area[1] in "01":
            raise ContactError(f"“{shown}”的区号 {area} 不存在")
        if not 7 <= len(number) <= 8 or number[0] in "01":
            raise ContactError(f"固定电话“{shown}”不对：区号 {area} 后应是 7 或 8 位号码（不以 0、1 开头）")
        return f"{area}-{number}" + (f"转{ext}" if ext else "")
    if 7 <= len(digits) <= 8:
        return digits + (f"转{ext}" if ext else "")
    raise ContactError(f"“{shown}”不是有效的电话号码（手机 11 位；固定电话写成 区号-号码，如 0418-1234567）")


def _international(text: str, body: str, ext: str) -> str:
    # Country codes are 1–3 digits; without a table we keep the common ones we can split.
    for size in (3, 2, 1):
        code, number = body[:size], body[size:]
        if code in _COUNTRY_CODES:
            if not 6 <= len(number) <= 12:
                break
            return f"+{code} {number}" + (f"转{ext}" if ext else "")
    raise ContactError(f"“{text.strip()}”不是有效的国际电话号码")


# Places a district's investment teams deal with (港澳台, 日韩, 东南亚, 欧美).
_COUNTRY_CODES = {
    "852", "853", "886", "81", "82", "65", "60", "66", "84", "62", "63", "1", "44", "49", "33", "39", "7", "61",
}


def split_phones(text: str) -> list[str]:
    """The numbers written in one field (``13812341234、0418-1234567``)."""
    text = _half_width(text)
    parts = [p.strip() for p in _SPLIT_RE.split(text) if p and p.strip()]
    return parts


def _numbers_in(part: str) -> list[str]:
    """One number, or several written with only spaces between them."""
    try:
        return [normalize_one_phone(part)]
    except ContactError:
        words = part.split()
        if len(words) > 1 and all(len(re.sub(r"\D", "", w)) >= 7 for w in words):
            try:
                return [normalize_one_phone(w) for w in words]
            except ContactError:
                pass
        raise


def normalize_phone(text: str) -> str:
    """Every number of a phone field in canonical form, joined with ``、``; ``""`` if blank.

    Raises :class:`ContactError` naming the number that cannot be right.
    """
    if not text or not text.strip():
        return ""
    seen: list[str] = []
    for part in split_phones(text):
        for number in _numbers_in(part):
            if number not in seen:
                seen.append(number)
    return SEPARATOR.join(seen)


def is_mobile(number: str) -> bool:
    return bool(_MOBILE_RE.match(number))


def normalize_email(text: str) -> str:
    raw = _half_width(text).replace(" ", "")
    if not raw:
        return ""
    raw = raw.replace("＠", "@")
    if not _EMAIL_RE.match(raw):
        raise ContactError(f"“{text.strip()}”不是有效的电子邮箱地址（应形如 name@example.com）")
    local, _, domain = raw.partition("@")
    return f"{local}@{domain.lower()}"


def normalize_wechat(text: str) -> str:
    """A WeChat id (6–30 characters, starting with a letter) or a mobile number bound to it."""
    raw = _half_width(text).replace(" ", "")
    if not raw:
        return ""
    if raw[:1].isdigit() or raw.startswith("+"):
        try:
            number = normalize_one_phone(raw)
        except ContactError:
            raise ContactError(f"微信号“{text.strip()}”不对：以数字开头时应是手机号码") from None
        if not is_mobile(number):
            raise ContactError(f"微信号“{text.strip()}”不对：以数字开头时应是手机号码")
        return number
    if not _WECHAT_RE.match(raw):
        raise ContactError(f"微信号“{text.strip()}”不对：应为字母开头的 4–30 位字母、数字、下划线或减号")
    return raw


# ------------------------------------------------------------------ masking
def mask_number(number: str) -> str:
    """Mask one canonical number (or anything digit-like, defensively)."""
    if is_mobile(number):
        return f"{number[:3]}****{number[7:]}"
    match = re.match(r"^(0\d{2,3})-(\d{7,8})(转\d+)?$", number)
    if match:
        area, local, ext = match.group(1), match.group(2), match.group(3) or ""
        keep = len(local) - 4
        return f"{area}-****{local[4:]}" + ext if keep > 0 else f"{area}-****" + ext
    match = re.match(r"^(\+\d{1,3}) (\d+)(转\d+)?$", number)
    if match:
        local = match.group(2)
        return f"{match.group(1)} {'*' * max(4, len(local) - 3)}{local[-3:]}" + (match.group(3) or "")
    match = re.match(r"^(400|800)-(\d{3})-(\d{4})$", number)
    if match:
        return number  # a company's public service line is not personal
    return mask_digits(number)


def mask_digits(text: str) -> str:
    """Fallback for text that is not a canonical number: keep only the first 3 and last
    3–4 digits of every run of digits long enough to be a phone number."""

    def hide(match: re.Match[str]) -> str:
        run = match.group(0)
        digits = re.sub(r"\D", "", run)
        if len(digits) < 7:
            return run
        tail = 4 if len(digits) >= 11 else 3
        head = 3 if len(digits) >= 11 else 0
        return digits[:head] + "*" * (len(digits) - head - tail) + digits[-tail:]

    return re.sub(r"\d[\d\s\-–—.()]*\d", hide, _half_width(text))


def mask_phone(text: str) -> str:
    """A phone field for lists and exports: every number masked."""
    if not text:
        return ""
    try:
        canonical = normalize_phone(text)
    except ContactError:
        # Not a number Desk would store (an old or imported value): mask what looks like one.
        return SEPARATOR.join(mask_number(part) for part in split_phones(text))
    return SEPARATOR.join(mask_number(n) for n in canonical.split(SEPARATOR))


def mask_email(text: str) -> str:
    raw = _half_width(text)
    if "@" not in raw:
        return mask_wechat(raw)
    local, _, domain = raw.partition("@")
    return f"{local[:1]}***@{domain}" if local else f"***@{domain}"


def mask_wechat(text: str) -> str:
    raw = _half_width(text)
    if not raw:
        return ""
    if re.sub(r"\D", "", raw) and re.fullmatch(r"[\d+\s\-]+", raw):
        return mask_phone(raw)
    if len(raw) <= 2:
        return raw[:1] + "*"
    return f"{raw[:1]}***{raw[-1:]}"


def mask_contacts(phone: str, email: str, wechat: str, sep: str = "；") -> str:
    """One line for a list column: ``138****1234；a***@example.com；微信 w***1``."""
    parts = [p for p in (mask_phone(phone), mask_email(email)) if p]
    if wechat:
        parts.append(f"微信 {mask_wechat(wechat)}")
    return sep.join(parts)


# The fields (of leads and projects) that hold contact details, each with its mask.
MASKS = {"phone": mask_phone, "contact_phone": mask_phone, "email": mask_email, "wechat": mask_wechat}


def mask_field(name: str, value: object) -> object:
    """``value`` masked when field ``name`` holds contact details; anything else as it is."""
    mask = MASKS.get(name)
    return mask(value) if mask is not None and isinstance(value, str) else value


def full_contacts(phone: str, email: str, wechat: str, sep: str = "；") -> str:
    parts = [p for p in (phone, email) if p]
    if wechat:
        parts.append(f"微信 {wechat}")
    return sep.join(parts)
