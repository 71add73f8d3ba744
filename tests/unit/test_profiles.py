"""Rule profiles as data: validation naming the key, import into a ledger, choice, and the
thresholds a clerk sets for the generic profile (kept in the ledger, audited)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from desk import paths
from desk.core.errors import RefusedError
from desk.core.profiles import dump_profile
from desk.core.recognition import ProfileError, load_profile
from desk.store.ledger import Ledger
from desk.store.profiles import (
    import_profile,
    import_profile_file,
    list_profiles,
    profile_text,
    resolve_profile,
    save_thresholds,
    use_profile,
)
from desk.store.recognition import current_profile

PANJIN_TEXT = paths.resource("standards", "panjin-2018.toml").read_text(encoding="utf-8")


def renamed(text: str, name: str, title: str = "") -> str:
    text = text.replace('name = "panjin-2018"', f'name = "{name}"')
    return text.replace('title = "盘锦2018：亿元以上产业项目"', f'title = "{title or name}"')


@pytest.mark.parametrize(("text", "words"), [
    ("not toml [", "不是有效的 TOML 文件：第 1 行第 5 列附近格式有误"),
    ("[profile]\nname='x'\ntitle='x'\n", "缺少 cite"),
    ("[profile]\nname='x'\ntitle='x'\ncite='x'\n", "缺少 [new_start]"),
    ("[profile]\nname='有 空格'\ntitle='x'\ncite='x'\n", "只能由字母、数字、汉字"),
    ("[profile]\nname='x'\ntitle='x'\ncite='x'\nauthor='y'\n", "[profile] 有不认识的键：author"),
])
def test_broken_profiles_are_refused_naming_the_key(text: str, words: str) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile(text, "x.toml")
    assert words in caught.value.message
    assert "认定标准“x.toml”" in caught.value.message


@pytest.mark.parametrize(("old", "new", "words"), [
    ('any_of = ["piling", "trenching"]', 'any_of = ["piling", "drilling"]',
     "[new_start.industrial] any_of 中的“drilling”不是认定证据"),
    ("threshold_wan = 10000", 'threshold_wan = "一亿"', "[counting] threshold_wan 应为数字（万元），现在是“一亿”"),
    ("threshold_wan = 10000", "threshold_wan = -1", "[counting] threshold_wan 不能为负数"),
    ("threshold_wan = 10000", "threshold = 10000", "[counting] 有不认识的键：threshold"),
    ("[review]\nenabled = true", '[review]\nenabled = "yes"', "[review] enabled 应为 true 或 false"),
    ("min_wan = 50000", "min_wan = 10000", "[[bands]] 的 min_wan 有重复：10,000.00"),
    ('label = "5亿元以上"', 'label = "亿元以上"', "[[bands]] 的 label 有重复：亿元以上"),
    ('[new_start.agricultural]\nsame_as = "industrial"', '[new_start.agricultural]\nsame_as = "agricultural"',
     "[new_start.agricultural] same_as 应指向一个自己写明条件的类别"),
    ('[new_start.agricultural]\nsame_as = "industrial"', '[new_start.farm]\nsame_as = "industrial"',
     "[new_start] 有不认识的键：farm"),
    ("needs_investment = false", "needs_investment = 0", "[completion.industrial] needs_investment 应为 true 或 false"),
    ('not_alone = ["site_leveling"]', 'not_alone = ["piling"]', "not_alone 中的证据不能同时出现在 any_of 或 all_of 中"),
])
def test_each_bad_value_is_named_by_its_key(old: str, new: str, words: str) -> None:
    assert old in PANJIN_TEXT
    with pytest.raises(ProfileError) as caught:
        load_profile(PANJIN_TEXT.replace(old, new, 1), "bad.toml")
    assert words in caught.value.message


def test_shipped_profiles_round_trip_through_dump() -> None:
    for path in paths.resource("standards").glob("*.toml"):
        profile = load_profile(path.read_text(encoding="utf-8"), path.stem)
        again = load_profile(dump_profile(profile), path.stem)
        assert again.rules == profile.rules and again.bands == profile.bands
        assert (again.count_threshold_wan, again.counting_cite, again.review) == (
            profile.count_threshold_wan, profile.counting_cite, profile.review)


def test_the_first_generic_text_kept_in_old_ledgers_still_reads() -> None:
    old = paths.resource("standards", "generic.toml").read_text(encoding="utf-8")
    old = old.replace('cite = "本单位设定"', 'cite = "本单位设定"\nbands = []')
    assert load_profile(old, "generic").bands == ()
    with pytest.raises(ProfileError, match=r"bands 应写在文件末尾的 \[\[bands\]\] 中"):
        load_profile(old.replace("bands = []", 'bands = [{min_wan = 1, label = "a"}]'), "generic")


def test_import_keeps_text_and_hash_and_is_audited(empty: Ledger, tmp_path: Path) -> None:
    text = renamed(PANJIN_TEXT, "dalian-2020", "大连2020")
    path = tmp_path / "大连2020.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # Notepad's UTF-8 with BOM
    info = import_profile_file(empty, path)
    assert (info.name, info.title, info.builtin, info.in_use) == ("dalian-2020", "大连2020", False, False)
    assert info.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert profile_text(empty, "dalian-2020") == text
    entry = empty.audit_entries("rule_profile")[0]
    assert "导入认定标准“大连2020”（dalian-2020）" in entry.summary and "大连2020.toml" in entry.summary
    assert empty.profile_name == "panjin-2018"
    use_profile(empty, "dalian-2020")
    assert empty.profile_name == "dalian-2020" and current_profile(empty).title == "大连2020"
    assert [i.name for i in list_profiles(empty) if i.in_use] == ["dalian-2020"]


def test_import_refuses_a_same_name_unless_replacing_and_never_the_fixed_builtins(empty: Ledger) -> None:
    import_profile(empty, renamed(PANJIN_TEXT, "mine"), "mine.toml", use=True)
    changed = renamed(PANJIN_TEXT, "mine").replace("threshold_wan = 10000", "threshold_wan = 3000")
    with pytest.raises(RefusedError, match="已有名为“mine”的认定标准"):
        import_profile(empty, changed, "mine2.toml")
    assert current_profile(empty).count_threshold_wan == 10000
    import_profile(empty, changed, "mine2.toml", replace=True)
    assert current_profile(empty).count_threshold_wan == 3000
    with pytest.raises(RefusedError, match="“panjin-2018”是程序自带的认定标准"):
        import_profile(empty, PANJIN_TEXT.replace("threshold_wan = 10000", "threshold_wan = 1"), "p.toml",
                       replace=True)
    assert current_profile(empty, "panjin-2018").count_threshold_wan == 10000


def test_a_broken_file_changes_nothing(empty: Ledger, tmp_path: Path) -> None:
    before = empty.count("rule_profiles"), empty.count("audit_log")
    path = tmp_path / "bad.toml"
    path.write_text(PANJIN_TEXT.replace("[completion.tourism]", "[completion.hotel]"), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        import_profile_file(empty, path)
    assert "认定标准“bad.toml”的[completion] 有不认识的键：hotel" in caught.value.message
    path.write_bytes("名称".encode("gbk"))
    with pytest.raises(ProfileError, match="不是 UTF-8 编码"):
        import_profile_file(empty, path)
    assert (empty.count("rule_profiles"), empty.count("audit_log")) == before


def test_generic_thresholds_are_stored_in_the_ledger_not_in_resources(empty: Ledger) -> None:
    shipped = paths.resource("standards", "generic.toml").read_text(encoding="utf-8")
    use_profile(empty, "generic")
    profile = save_thresholds(empty, "generic", Decimal(5000), Decimal(10),
                              [(Decimal(10000), "亿元以上"), (Decimal(5000), "5000万元以上")])
    assert profile.count_threshold_wan == 5000 and profile.min_month_investment_wan == 10
    assert [b.label for b in profile.bands] == ["5000万元以上", "亿元以上"]
    assert paths.resource("standards", "generic.toml").read_text(encoding="utf-8") == shipped
    info = next(i for i in list_profiles(empty) if i.name == "generic")
    assert not info.builtin and info.in_use
    entry = empty.audit_entries("rule_profile")[0]
    assert entry.summary == "修改认定标准“通用：门槛由本单位设定”的门槛"
    assert entry.changes["threshold_wan"] == ["0.00", "5,000.00"]
    # a newer Desk re-installing its shipped profiles leaves the unit's thresholds alone
    empty.install_builtin_profiles()
    assert current_profile(empty, "generic").count_threshold_wan == 5000


def test_fixed_profiles_refuse_threshold_edits(empty: Ledger) -> None:
    with pytest.raises(ProfileError, match="门槛由文件规定"):
        save_thresholds(empty, "panjin-2018", Decimal(1), Decimal(0), [])
    with pytest.raises(ProfileError, match="第 1 个规模档次缺少名称"):
        save_thresholds(empty, "generic", Decimal(1), Decimal(0), [(Decimal(5), " ")])


def test_resolve_names_a_shipped_profile_a_ledger_profile_or_a_file(empty: Ledger, tmp_path: Path) -> None:
    assert resolve_profile("haizhou-2019").name == "haizhou-2019"
    path = tmp_path / "x.toml"
    path.write_text(renamed(PANJIN_TEXT, "x"), encoding="utf-8")
    assert resolve_profile(str(path)).name == "x"
    with pytest.raises(Exception, match="未知的认定标准“x”，可选：generic、haizhou-2019、panjin-2018"):
        resolve_profile("x")
    import_profile(empty, renamed(PANJIN_TEXT, "x"), "x.toml")
    assert resolve_profile("x", empty).name == "x"


def test_the_readme_example_uses_only_keys_the_reader_knows() -> None:
    import re

    readme = Path(__file__).resolve().parents[2] / "README.md"
    block = re.search(r"```toml\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    assert block is not None
    # The example shows every kind of key but not all five categories; the first complaint is the missing one.
    with pytest.raises(ProfileError, match=r"缺少 \[new_start.service\]"):
        load_profile(block.group(1), "readme")


def test_the_profiles_kept_in_a_v1_ledger_still_read(copy_data) -> None:  # type: ignore[no-untyped-def]
    ledger = Ledger.open(copy_data("ledger-v1.desk"))
    try:
        infos = list_profiles(ledger)
        assert [(i.name, i.error) for i in infos] == [("generic", ""), ("haizhou-2019", ""), ("panjin-2018", "")]
        # Refreshing the shipped texts (what a newer Desk does) brings in the dynamic review.
        ledger.install_builtin_profiles()
        assert current_profile(ledger, "panjin-2018").review.enabled
    finally:
        ledger.close()
