"""Vectors for exhibit.vn, taken from DOMAIN.md."""
import unicodedata
from datetime import date, datetime, timezone

import pytest

from exhibit.vn import dates, money, numbers, phones, provinces, tax_codes, text


class TestProvinces:
    def test_both_schemes_are_complete(self):
        assert len(provinces.provinces(provinces.SCHEME_2025)) == 34
        assert len(provinces.provinces(provinces.SCHEME_LEGACY)) == 63

    def test_every_legacy_province_maps_to_a_2025_unit(self):
        for p in provinces.provinces(provinces.SCHEME_LEGACY):
            assert p.successor is not None, p

    @pytest.mark.parametrize("code,old,new", [
        ("80", "Long An", "Tây Ninh"), ("82", "Tiền Giang", "Đồng Tháp"),
        ("91", "Kiên Giang", "An Giang"), ("15", "Yên Bái", "Lào Cai"),
        ("24", "Bắc Giang", "Bắc Ninh"), ("44", "Quảng Bình", "Quảng Trị"),
        ("52", "Bình Định", "Gia Lai"),
    ])
    def test_seven_codes_changed_meaning(self, code, old, new):
        assert provinces.get_province("legacy63", code).name == old
        assert provinces.get_province("2025", code).name == new

    def test_merged_province_shows_both_names(self):
        assert provinces.display_name("legacy63", "60") == "Tỉnh Bình Thuận (nay thuộc tỉnh Lâm Đồng)"
        assert provinces.display_name("legacy63", "54") == "Tỉnh Phú Yên (nay thuộc tỉnh Đắk Lắk)"
        assert provinces.display_name("legacy63", "74") == (
            "Tỉnh Bình Dương (nay thuộc Thành phố Hồ Chí Minh)")
        assert provinces.display_name("legacy63", "60", lang="en") == (
            "Bình Thuận Province (now part of Lâm Đồng Province)")

    def test_province_that_kept_its_name_shows_once(self):
        assert provinces.display_name("legacy63", "66") == "Tỉnh Đắk Lắk"
        assert provinces.display_name("2025", "68") == "Tỉnh Lâm Đồng"
        assert provinces.display_name("2025", "79") == "Thành phố Hồ Chí Minh"

    def test_unknown_code(self):
        assert provinces.get_province("2025", "60") is None


class TestTaxCodes:
    @pytest.mark.parametrize("code", ["0100047516", "0100109106", "0100233488", "0314409058"])
    def test_valid_enterprise_codes(self, code):
        assert tax_codes.normalize_tax_code(code) == code

    def test_branch_code(self):
        assert tax_codes.normalize_tax_code("0100233488001") == "0100233488-001"
        assert tax_codes.normalize_tax_code(" 0100233488-999 ") == "0100233488-999"

    @pytest.mark.parametrize("code", ["0100233481", "0100233488-000", "01002334", "abc", "",
                                      "0100233488-01"])
    def test_invalid_codes(self, code):
        with pytest.raises(tax_codes.InvalidTaxCode):
            tax_codes.normalize_tax_code(code)

    def test_prefix_whose_check_digit_would_be_ten_is_invalid(self):
        # Find a 9-digit prefix whose weighted sum is divisible by 11: no check digit exists.
        weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
        prefix = next(f"{n:09d}" for n in range(100000000, 100010000)
                      if sum(w * int(d) for w, d in zip(weights, f"{n:09d}")) % 11 == 0)
        for last in "0123456789":
            assert not tax_codes.is_valid_tax_code(prefix + last)

    def test_personal_id_is_a_format_check_only(self):
        assert tax_codes.normalize_tax_code("079201001234") == "079201001234"
        with pytest.raises(tax_codes.InvalidTaxCode):
            tax_codes.normalize_tax_code("079201001234", allow_personal_id=False)


class TestPhones:
    @pytest.mark.parametrize("raw", ["0912345678", "0912 345 678", "+84912345678", "84912345678",
                                     "(+84) 912.345.678"])
    def test_spellings_of_one_mobile(self, raw):
        assert phones.normalize_phone(raw) == "+84912345678"

    def test_landline(self):
        assert phones.normalize_phone("028 3823 4567") == "+842838234567"
        assert phones.format_phone("+842838234567") == "028 3823 4567"

    def test_display(self):
        assert phones.format_phone("+84912345678") == "0912 345 678"

    def test_unknown_mobile_prefix_is_accepted(self):
        assert phones.normalize_phone("0612345678") == "+84612345678"

    @pytest.mark.parametrize("raw", ["", "12345", "0112345678", "+1 202 555 0100", "số điện thoại"])
    def test_rejected(self, raw):
        with pytest.raises(phones.InvalidPhone):
            phones.normalize_phone(raw)


    @pytest.mark.parametrize("raw", ["0912 345 678", "+84 38 123 4567", "0612345678"])
    def test_a_mobile(self, raw):
        assert phones.normalize_mobile(raw).startswith("+84")

    @pytest.mark.parametrize("raw", ["028 3823 4567", "0236 3822 123", "", "0112345678"])
    def test_not_a_mobile(self, raw):
        with pytest.raises(phones.InvalidPhone):
            phones.normalize_mobile(raw)

class TestMoneyAndDates:
    def test_vnd(self):
        assert money.format_vnd(1404000) == "1.404.000\u00a0₫"
        assert money.format_vnd(0) == "0\u00a0₫"
        assert money.format_dong(1404000) == "1.404.000\u00a0đồng"

    @pytest.mark.parametrize("day,line", [
        (date(2024, 7, 5), "ngày 05 tháng 7 năm 2024"),
        (date(2024, 2, 1), "ngày 01 tháng 02 năm 2024"),
        (date(2024, 1, 15), "ngày 15 tháng 01 năm 2024"),
        (date(2024, 12, 22), "ngày 22 tháng 12 năm 2024"),
        (date(2024, 3, 5), "ngày 05 tháng 3 năm 2024"),
    ])
    def test_nd30_date(self, day, line):
        assert dates.nd30_date(day) == line

    def test_nd30_date_line(self):
        assert dates.nd30_date_line("TP. Hồ Chí Minh", date(2024, 3, 5)) == (
            "TP. Hồ Chí Minh, ngày 05 tháng 3 năm 2024")

    def test_table_date_and_timezone(self):
        assert dates.format_date(date(2024, 4, 22)) == "22/04/2024"
        late_utc = datetime(2024, 4, 21, 18, 30, tzinfo=timezone.utc)
        assert dates.to_vietnam_time(late_utc).strftime("%d/%m %H:%M") == "22/04 01:30"


class TestText:
    @pytest.mark.parametrize("a,b", [
        ("ca phe", "Cà phê"), ("dak lak", "Đắk Lắk"), ("nuoc mam", "NƯỚC MẮM"),
        ("thanh long binh thuan", "Thanh Long  Bình Thuận"),
    ])
    def test_folding_matches(self, a, b):
        assert text.fold_search_key(a) == text.fold_search_key(b)

    def test_folding_decomposed_input(self):
        assert text.fold_search_key(unicodedata.normalize("NFD", "Đắk Lắk")) == "dak lak"

    def test_nfc(self):
        decomposed = unicodedata.normalize("NFD", "Hợp tác xã Thanh Long")
        assert text.clean_text("  " + decomposed + "  ") == "Hợp tác xã Thanh Long"
        assert unicodedata.is_normalized("NFC", text.clean_text(decomposed))


class TestNumbers:
    @pytest.mark.parametrize("typed,expected", [
        ("1.300.000", 1_300_000), ("85.000đ", 85_000), ("1300000 ₫", 1_300_000),
        ("1.404.000 đồng", 1_404_000), (85000, 85000), (85000.0, 85000), ("", None), (None, None),
        ("12,500,000", 12_500_000), ("1,300,000 ₫", 1_300_000)])
    def test_whole(self, typed, expected):
        assert numbers.parse_whole(typed) == expected

    @pytest.mark.parametrize("typed", ["2,5", 2.5, True, "nhiều", "1.300.000,50", "12,50",
                                       "1,300,000.50", "1,30,000"])
    def test_whole_refuses_fractions_and_words(self, typed):
        with pytest.raises(ValueError):
            numbers.parse_whole(typed)

    @pytest.mark.parametrize("typed,expected", [("2,5", 2.5), ("2.5", 2.5), (3, 3.0), ("", None)])
    def test_decimal(self, typed, expected):
        assert numbers.parse_decimal(typed) == expected


class TestAmountInWords:
    """Every vector of DOMAIN.md §6, and more of our own up to nghìn tỷ."""

    @pytest.mark.parametrize("n,expected", [
        (0, "không"), (10, "mười"), (11, "mười một"), (20, "hai mươi"), (24, "hai mươi tư"),
        (25, "hai mươi lăm"), (101, "một trăm lẻ một"), (110, "một trăm mười"),
        (114, "một trăm mười bốn"), (1010, "một nghìn không trăm mười"),
        (2005, "hai nghìn không trăm lẻ năm"), (2024, "hai nghìn không trăm hai mươi tư"),
        (105, "một trăm lẻ năm"), (15, "mười lăm"), (21, "hai mươi mốt"),
        (105000, "một trăm lẻ năm nghìn"), (1024000, "một triệu không trăm hai mươi tư nghìn"),
        (1000500, "một triệu năm trăm"), (12600000, "mười hai triệu sáu trăm nghìn"),
        (1200000000, "một tỷ hai trăm triệu"), (2000000001, "hai tỷ không trăm lẻ một"),
        (10**12, "một nghìn tỷ"),
        # our own
        (1, "một"), (5, "năm"), (14, "mười bốn"), (31, "ba mươi mốt"), (44, "bốn mươi tư"),
        (55, "năm mươi lăm"), (104, "một trăm lẻ bốn"), (111, "một trăm mười một"),
        (115, "một trăm mười lăm"), (1000, "một nghìn"), (1001, "một nghìn không trăm lẻ một"),
        (1000001, "một triệu không trăm lẻ một"), (1001000000, "một tỷ không trăm lẻ một triệu"),
        (1404000, "một triệu bốn trăm lẻ bốn nghìn"), (1495000, "một triệu bốn trăm chín mươi lăm nghìn"),
        (999999999, "chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm "
                    "chín mươi chín"),
        (1000000000005, "một nghìn tỷ không trăm lẻ năm"),
        (3250000000000, "ba nghìn hai trăm năm mươi tỷ"),
        (21_000_000_000_000, "hai mươi mốt nghìn tỷ"),
        (1_234_567_890_123, "một nghìn hai trăm ba mươi tư tỷ năm trăm sáu mươi bảy triệu "
                            "tám trăm chín mươi nghìn một trăm hai mươi ba"),
    ])
    def test_vectors(self, n, expected):
        from exhibit.vn.words import number_in_words
        assert number_in_words(n) == expected

    def test_amount_is_capitalised_and_ends_in_dong(self):
        from exhibit.vn.words import amount_in_words
        assert amount_in_words(1404000) == "Một triệu bốn trăm lẻ bốn nghìn đồng"
        assert amount_in_words(0) == "Không đồng"
        assert amount_in_words(1300000) == "Một triệu ba trăm nghìn đồng"


def test_nfc_drops_nul_characters_that_no_database_text_holds():
    from exhibit.vn.text import clean_text, nfc
    assert nfc("Cà\x00 phê") == "Cà phê" and clean_text("  Hạt\x00 điều ") == "Hạt điều"
