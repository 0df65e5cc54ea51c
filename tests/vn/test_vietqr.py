"""VietQR payloads (exhibit.vn.vietqr) against published payloads, read back by an independent
reader and by a real QR decoder; and the NAPAS bank list (exhibit.vn.banks)."""
from __future__ import annotations

import pytest

from exhibit.vn import banks, vietqr

# Published payloads, byte for byte, with the inputs that made them.
#
# subiz/vietqr (Go, MIT), README.md "Sử dụng": Generate(120000, "970415", "0011001932418",
# "ủng hộ lũ lụt") — the library strips diacritics first, so the purpose is "ung ho lu lut".
README_EXAMPLE = ("00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
                  "530370454061200005802VN62170813ung ho lu lut6304C15C")
# subiz/vietqr, vietqr_test.go TestQR: a static code (no amount, no purpose) …
STATIC_EXAMPLE = ("00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA"
                  "53037045802VN6304CBB4")
# … a dynamic one with a purpose …
DYNAMIC_EXAMPLE = ("00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA"
                   "53037045405401235802VN62200816test text string6304D9C6")
# … and one at the limits: a 19-character account and a 25-character purpose.
LIMITS_EXAMPLE = ("00020101021238630010A0000007270133000697042201190023457923442ASDFLJ0208"
                  "QRIBFTTA53037045405401235802VN62290825chuyen khoan alsdkf laksj6304E5DB")

PUBLISHED = [
    (dict(bank_bin="970415", account="0011001932418", amount=120000, purpose="ung ho lu lut"),
     README_EXAMPLE),
    (dict(bank_bin="970423", account="0099999999"), STATIC_EXAMPLE),
    (dict(bank_bin="970422", account="0023457923442", amount=40123, purpose="test text string"),
     DYNAMIC_EXAMPLE),
    (dict(bank_bin="970422", account="0023457923442ASDFLJ", amount=40123,
          purpose="chuyen khoan alsdkf laksj"), LIMITS_EXAMPLE),
]


@pytest.mark.parametrize("inputs,published", PUBLISHED)
def test_the_payload_equals_the_published_one_byte_for_byte(inputs, published):
    assert vietqr.payload(**inputs) == published


def test_the_crc_is_ccitt_false():
    # the check value of CRC-16/CCITT-FALSE in every CRC catalogue
    assert vietqr.crc16_ccitt_false(b"123456789") == 0x29B1
    # and over a published payload: everything before the last four characters
    assert format(vietqr.crc16_ccitt_false(README_EXAMPLE[:-4].encode()), "04X") == "C15C"


# -- an independent reader: walks the published text field by field ----------------------------

def _fields(text: str, path: str = "") -> dict:
    """ID → value, the templates (38, 38/01, 62) read again: written here from the TLV rule
    and NAPAS's table alone."""
    out, i = {}, 0
    while i < len(text):
        tag, n = text[i:i + 2], int(text[i + 2:i + 4])
        value = text[i + 4:i + 4 + n]
        here = f"{path}/{tag}".lstrip("/")
        out[tag] = _fields(value, here) if here in ("38", "38/01", "62") else value
        i += 4 + n
    return out


def test_the_fields_are_where_napas_puts_them():
    text = vietqr.payload(bank_bin="970436", account="0071001234567", amount=7_020_000,
                          purpose="HD0222024D7")
    fields = _fields(text)
    assert fields["00"] == "01" and fields["01"] == "12"
    assert fields["38"] == {"00": "A000000727",
                            "01": {"00": "970436", "01": "0071001234567"},
                            "02": "QRIBFTTA"}
    assert fields["53"] == "704" and fields["54"] == "7020000" and fields["58"] == "VN"
    assert fields["62"] == {"08": "HD0222024D7"}
    assert list(fields) == ["00", "01", "38", "53", "54", "58", "62", "63"]
    assert fields["63"] == format(vietqr.crc16_ccitt_false(text[:-4].encode()), "04X")


@pytest.mark.parametrize("inputs,published", PUBLISHED)
def test_read_gives_back_what_was_asked(inputs, published):
    transfer = vietqr.read(published)
    assert transfer.bank_bin == inputs["bank_bin"] and transfer.account == inputs["account"]
    assert transfer.amount == inputs.get("amount")
    assert transfer.purpose == inputs.get("purpose", "")
    assert transfer.dynamic is ("amount" in inputs) and transfer.service == "QRIBFTTA"


def test_read_refuses_a_changed_text():
    changed = DYNAMIC_EXAMPLE.replace("540540123", "540550123")  # 40123 → 50123, CRC kept
    with pytest.raises(ValueError, match="CRC"):
        vietqr.read(changed)
    with pytest.raises(ValueError, match="CRC"):
        vietqr.read(DYNAMIC_EXAMPLE[:-8])


def test_a_qr_image_of_the_payload_decodes_to_the_same_text():
    zxingcpp = pytest.importorskip("zxingcpp")
    import qrcode
    text = vietqr.payload(bank_bin="970405", account="5100201012345", amount=3_510_000,
                          purpose="HD0172026B3")
    image = qrcode.make(text, box_size=4, border=4).get_image().convert("L")
    decoded = [code.text for code in zxingcpp.read_barcodes(image)]
    assert decoded == [text]
    assert vietqr.read(decoded[0]).amount == 3_510_000


@pytest.mark.parametrize("inputs,problem", [
    (dict(bank_bin="97043", account="1"), "BIN"),
    (dict(bank_bin="97043a", account="1"), "BIN"),
    (dict(bank_bin="970436", account=""), "account"),
    (dict(bank_bin="970436", account="1" * 20), "account"),
    (dict(bank_bin="970436", account="0071-001"), "account"),
    (dict(bank_bin="970436", account="1", amount=0), "amount"),
    (dict(bank_bin="970436", account="1", amount=-5), "amount"),
    (dict(bank_bin="970436", account="1", amount=10 ** 13), "amount"),
    (dict(bank_bin="970436", account="1", amount=1.5), "amount"),
    (dict(bank_bin="970436", account="1", purpose="x" * 26), "purpose"),
    (dict(bank_bin="970436", account="1", purpose="Đặt cọc gian hàng"), "purpose"),
    (dict(bank_bin="970436", account="1", purpose="line\nbreak"), "purpose"),
])
def test_bad_input_is_a_value_error_naming_it(inputs, problem):
    with pytest.raises(ValueError, match=problem):
        vietqr.payload(**inputs)


def test_the_longest_allowed_values_are_accepted():
    text = vietqr.payload(bank_bin="970436", account="9" * 19, amount=10 ** 13 - 1,
                          purpose="A" * 25)
    assert vietqr.read(text).purpose == "A" * 25


# -- the bank list --------------------------------------------------------------------------

@pytest.mark.parametrize("bin_,short_name", [
    ("970436", "Vietcombank"), ("970415", "VietinBank"), ("970418", "BIDV"),
    ("970405", "Agribank"), ("970407", "Techcombank"), ("970422", "MB"), ("970416", "ACB"),
    ("970432", "VPBank"), ("970423", "TPBank"), ("970403", "Sacombank"),
    ("970437", "HDBank"), ("970443", "SHB"), ("970441", "VIB"), ("970448", "OCB"),
])
def test_common_banks_have_their_published_bins(bin_, short_name):
    # BINs from the SBV's register (CV 1589/NHNN-TT) as subiz/vietqr's bank.csv lists it
    assert banks.bank(bin_).short_name == short_name


def test_the_list_is_whole_and_clean():
    listed = banks.banks()
    assert len(listed) >= 50
    assert len({b.bin for b in listed}) == len(listed)
    assert all(len(b.bin) == 6 and b.bin.isdigit() for b in listed)
    assert all(b.name.startswith("Ngân hàng") and b.short_name for b in listed)
    assert banks.bank("123456") is None and banks.bank("") is None
