"""Phone numbers in every form a clerk types them, one canonical form, and masks that leak nothing."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.core.contacts import (
    ContactError,
    mask_contacts,
    mask_email,
    mask_phone,
    mask_wechat,
    normalize_email,
    normalize_phone,
    normalize_wechat,
)

MOBILE_RE = re.compile(r"1[3-9]\d{9}")


def leaks_mobile(text: str) -> bool:
    """An unmasked 11-digit mobile number, even one written with spaces or dashes."""
    digits_only = re.sub(r"[\s\-–—.()+]", "", text)
    return bool(MOBILE_RE.search(digits_only))


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("86 13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("＋８６　１３８－１２３４－５６７８", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("(0418)2345678", "0418-2345678"),
        ("（0418）2345678", "0418-2345678"),
        ("０４１８－２３４５６７８", "0418-2345678"),
        ("0418 234 5678", "0418-2345678"),
        ("04182345678", "0418-2345678"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("021 5234 5678", "021-52345678"),
        ("+86 418 2345678", "0418-2345678"),
        ("+86 10 6234 5678", "010-62345678"),
        ("0418-2345678 转 801", "0418-2345678转801"),
        ("0418-2345678分机801", "0418-2345678转801"),
        ("0418-2345678 ext. 801", "0418-2345678转801"),
        ("0418-2345678-801", "0418-2345678转801"),
        ("2345678", "2345678"),
        ("400-812-3123", "400-812-3123"),
        ("+852 9123 4567", "+852 91234567"),
        ("13812345678、0418-2345678", "13812345678、0418-2345678"),
        ("13812345678 / 139 1234 5678", "13812345678、13912345678"),
        ("13812345678，13812345678", "13812345678"),
        ("  ", ""),
    ],
)
def test_phone_forms_are_normalised(typed: str, canonical: str) -> None:
    assert normalize_phone(typed) == canonical


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("12812345678", "不是有效的手机号码"),
        ("1381234567", "应为 11 位，现在是 10 位"),
        ("138123456789", "应为 11 位，现在是 12 位"),
        ("0418-123", "区号 0418 后应是 7 或 8 位号码"),
        ("0118-2345678", "区号 0118 不存在"),
        ("0418-0234567", "不以 0、1 开头"),
        ("13812345678转8", "手机号码“13812345678转8”不能带分机号"),
        ("电话待补", "含有号码以外的文字"),
        ("123", "位数太少"),
        ("13812345678、abc", "“abc”含有号码以外的文字"),
    ],
)
def test_impossible_phone_numbers_are_refused_in_chinese(typed: str, says: str) -> None:
    with pytest.raises(ContactError) as caught:
        normalize_phone(typed)
    assert says in str(caught.value)


def test_masks_follow_the_issue_examples() -> None:
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("0418-1234567") == "0418-****567"
    assert mask_phone("010-62345678") == "010-****5678"
    assert mask_phone("0418-2345678转801") == "0418-****678转801"
    assert mask_email("abc@example.com") == "a***@example.com"
    assert mask_wechat("wx_00012") == "w***2"
    assert mask_wechat("13812341234") == "138****1234"
    assert mask_contacts("13812341234", "abc@example.com", "wx_00012") == "138****1234；a***@example.com；微信 w***2"
    assert mask_phone("") == "" and mask_contacts("", "", "") == ""


def test_emails_and_wechat_ids() -> None:
    assert normalize_email(" Zhang.San＠Example.COM ") == "Zhang.San@example.com"
    assert normalize_wechat("wx_zhang-san") == "wx_zhang-san"
    assert normalize_wechat("+86 138 1234 5678") == "13812345678"
    for bad, fn in (("zhang@", normalize_email), ("张三@公司", normalize_email), ("12ab", normalize_wechat),
                    ("0418-2345678", normalize_wechat)):
        with pytest.raises(ContactError):
            fn(bad)


# ------------------------------------------------------------- properties
digits = st.text(alphabet="0123456789", min_size=9, max_size=9)
second = st.sampled_from("3456789")
FULL = str.maketrans("0123456789+-() ", "０１２３４５６７８９＋－（）　")


@st.composite
def written_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """A real mobile number and one way a clerk might write it."""
    number = "1" + draw(second) + draw(digits)
    sep = draw(st.sampled_from(["", " ", "-", "  ", " - ", "."]))
    grouping = draw(st.sampled_from([(3, 4, 4), (3, 8), (11,), (3, 3, 5), (4, 4, 3)]))
    parts, at = [], 0
    for size in grouping:
        parts.append(number[at:at + size])
        at += size
    text = sep.join(parts) if sep != "." else ".".join(parts[:1]) + "".join(parts[1:])
    prefix = draw(st.sampled_from(["", "+86 ", "+86-", "+86", "0086 ", "86 ", "(+86) "]))
    if prefix == "86 " and sep:
        prefix = "+86 "
    text = prefix + text
    if draw(st.booleans()):
        text = text.translate(FULL)
    return number, text


@settings(max_examples=400, deadline=None)
@given(written_mobiles())
def test_every_written_mobile_normalises_and_masks(pair: tuple[str, str]) -> None:
    number, written = pair
    if "." in written:
        written = written.replace(".", " ")
    assert normalize_phone(written) == number
    masked = mask_phone(written)
    assert masked == f"{number[:3]}****{number[7:]}"
    assert not leaks_mobile(masked)


@st.composite
def written_landlines(draw: st.DrawFn) -> tuple[str, str]:
    short = draw(st.booleans())
    area = "0" + (draw(st.sampled_from(["10", "20", "21", "22", "23", "24", "25", "27", "28", "29"])) if short
                  else draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=2, max_size=2)))
    local = draw(st.sampled_from("2345678")) + draw(st.text("0123456789", min_size=6, max_size=7))
    form = draw(st.sampled_from(["{a}-{l}", "{a} {l}", "({a}){l}", "（{a}）{l}", "{a}{l}", "+86 {b} {l}"]))
    written = form.format(a=area, l=local, b=area[1:])
    if draw(st.booleans()):
        written = written.translate(FULL)
    return f"{area}-{local}", written


@settings(max_examples=300, deadline=None)
@given(written_landlines())
def test_every_written_landline_normalises_and_masks(pair: tuple[str, str]) -> None:
    canonical, written = pair
    assert normalize_phone(written) == canonical
    masked = mask_phone(written)
    area, local = canonical.split("-")
    assert masked == f"{area}-****{local[4:]}"
    assert local not in re.sub(r"\D", "", masked)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789１３８ -+()（）、/转xabc电话@.", max_size=40))
def test_no_text_whatever_leaks_a_mobile_number_through_the_mask(text: str) -> None:
    assert not leaks_mobile(mask_phone(text))
    assert not leaks_mobile(mask_wechat(text))
    assert not leaks_mobile(mask_contacts(text, "", text))
