"""Contracts and MoUs as PDF, from the document's stored fields only (so the PDF of an issued
version can be rendered again and compared). The wording is Vietnamese: these are the documents
the parties sign."""
from __future__ import annotations

import io

from reportlab.platypus import KeepTogether, Spacer

from exhibit.documents.models import Document, DocumentKind
from exhibit.pdf import document as nd30
from exhibit.vn.dates import format_date, nd30_date
from exhibit.vn.money import format_dong
from exhibit.vn.numbers import format_number
from exhibit.vn.words import amount_in_words

CIVIL_CODE = "Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015"
COMMERCIAL_LAW = "Luật Thương mại số 36/2005/QH11 ngày 14 tháng 6 năm 2005"
DRAFT_NUMBER = "…/…/{code}-{org} (dự thảo)"


def render_pdf(document: Document, *, draft: bool = False) -> bytes:
    buffer = io.BytesIO()
    story = (_contract if document.kind == DocumentKind.CONTRACT.value else _mou)(document, draft)
    nd30.build(buffer, story, title_text=_title(document), author=document.party_a.get("name", ""),
               subject=document.number or "dự thảo")
    return buffer.getvalue()


def _title(document: Document) -> str:
    kind = "Hợp đồng thuê gian hàng" if document.kind == DocumentKind.CONTRACT.value \
        else "Biên bản ghi nhớ hợp tác"
    return f"{kind} {document.number}".strip()


def _number(document: Document, draft: bool) -> str:
    if document.number and not draft:
        return document.number
    if document.number:
        return f"{document.number} (dự thảo)"
    return DRAFT_NUMBER.format(code=document.kind_enum.number_code,
                               org=document.organizer.short_name)


def _date_text(document: Document) -> str:
    return nd30_date(document.dated_on) if document.dated_on else "ngày … tháng … năm …"


def _opening(s, document: Document, draft: bool, *, title: str, subtitle: str,
             bases: list[str], roles: tuple[str, str]) -> list:
    """Header, title, legal bases and the two parties' blocks, as every document opens."""
    story = nd30.header(s, issuer=document.organizer.name, number=_number(document, draft),
                        place=document.place, date_text=_date_text(document))
    story += nd30.title(s, title, subtitle)
    if draft:
        story.append(nd30.paragraph(s, "Bản dự thảo – chưa có số và chưa có giá trị ký kết."))
    story += nd30.bullets(s, [f"Căn cứ {CIVIL_CODE};", f"Căn cứ {COMMERCIAL_LAW};", *bases,
                              "Căn cứ nhu cầu và khả năng của hai bên."])
    story.append(nd30.paragraph(
        s, f"Hôm nay, {_date_text(document)}, tại {document.place}, chúng tôi gồm:"))
    for side, party, role in (("A", document.party_a, roles[0]), ("B", document.party_b, roles[1])):
        story.append(nd30.party_block(s, f"BÊN {side} ({role}): {party.get('name', '').upper()}",
                                      _party_rows(party)))
    return story


def _party_rows(party: dict) -> list[tuple[str, str]]:
    account = party.get("bank_account", "")
    if account and party.get("bank_name"):
        account = f"{account} tại {party['bank_name']}"
    rows = [("Địa chỉ", party.get("address", "")), ("Mã số thuế", party.get("tax_code", "")),
            ("Điện thoại", party.get("phone", "")), ("Email", party.get("email", "")),
            ("Tài khoản số", account),
            ("Đại diện", party.get("representative", "") or "……………………"),
            ("Chức vụ", party.get("position", "") or "……………………")]
    if party.get("authorisation"):
        rows.append(("Theo", party["authorisation"]))
    return rows


def _signature(heading: str, party: dict) -> nd30.Signature:
    return nd30.Signature(heading=heading, note=nd30.signature_note(party.get("has_seal", True)),
                          name=party.get("representative", ""), position=party.get("position", ""))


# -- booth rental contract --------------------------------------------------------------------

def _contract(document: Document, draft: bool) -> list:
    s = nd30.styles()
    week = document.week
    a, b = document.party_a, document.party_b
    story = _opening(s, document, draft, title="Hợp đồng thuê gian hàng",
                     subtitle=f"V/v tham gia {week.name_vi}", bases=[],
                     roles=("Bên cho thuê", "Bên thuê"))
    story.append(nd30.paragraph(s, "Hai bên thống nhất ký kết hợp đồng thuê gian hàng với các "
                                   "điều khoản sau:"))

    story.append(nd30.article(s, 1, "Nội dung hợp đồng"))
    venue = ", ".join(x for x in (week.venue_name, week.venue_address) if x)
    hours = f"; giờ mở cửa: {week.opening_hours}" if week.opening_hours else ""
    story += nd30.bullets(s, [
        f"Bên A đồng ý cho Bên B thuê gian hàng để trưng bày, giới thiệu và bán sản phẩm tại "
        f"{week.name_vi} (sau đây gọi là “Sự kiện”).",
        f"Thời gian: từ ngày {format_date(week.start_date)} đến ngày "
        f"{format_date(week.end_date)}{hours}.",
        f"Địa điểm: {venue}."])
    rows = [[str(i + 1), line.label, line.detail, _area(line.area_m2),
             format_number(line.unit_price_vnd), format_number(line.amount_vnd)]
            for i, line in enumerate(document.lines)]
    rows.append(["", "Cộng", "", _area(sum(l.area_m2 or 0 for l in document.lines)), "",
                 format_number(document.subtotal_vnd)])
    story.append(KeepTogether(nd30.bullets(s, ["Gian hàng thuê:"]) + [nd30.grid(
        s, ["STT", "Mã gian hàng", "Loại gian hàng", "Diện tích (m²)", "Đơn giá (đồng)",
            "Thành tiền (đồng)"], rows, [13, 21, 47, 20, 27, 29], right_columns=(3, 4, 5),
        total_rows=1)]))

    story.append(nd30.article(s, 2, "Giá trị hợp đồng và phương thức thanh toán"))
    if document.total_vnd:
        story += nd30.bullets(s, [
            f"Tiền thuê gian hàng (chưa có thuế GTGT): {format_dong(document.subtotal_vnd)}.",
            f"Thuế GTGT ({document.vat_percent}%): {format_dong(document.vat_vnd)}.",
            f"Tổng giá trị hợp đồng (đã bao gồm thuế GTGT): {format_dong(document.total_vnd)}."])
        story.append(nd30.paragraph(s, f"Bằng chữ: {amount_in_words(document.total_vnd)}."))
        balance = document.total_vnd - document.deposit_vnd
        terms = []
        if document.deposit_percent:
            terms.append(f"Đặt cọc: Bên B chuyển cho Bên A {document.deposit_percent}% giá trị "
                         f"hợp đồng, tương ứng {format_dong(document.deposit_vnd)}, chậm nhất ngày "
                         f"{format_date(document.deposit_due_on)}. Tiền đặt cọc được trừ vào "
                         f"giá trị hợp đồng.")
        terms.append(f"Phần còn lại {format_dong(balance)} Bên B thanh toán chậm nhất ngày "
                     f"{format_date(document.balance_due_on)}.")
        account = a.get("bank_account", "")
        bank = f" tại {a['bank_name']}" if a.get("bank_name") else ""
        terms.append(f"Hình thức thanh toán: chuyển khoản vào tài khoản số {account}{bank}, "
                     f"đơn vị thụ hưởng: {a.get('name', '')}. Bên A xuất hóa đơn giá trị gia "
                     f"tăng cho Bên B theo quy định.")
        story += nd30.bullets(s, terms)
    else:
        story += nd30.bullets(s, [
            f"Tổng giá trị hợp đồng: {format_dong(0)} (bằng chữ: {amount_in_words(0).lower()}). "
            f"Chi phí thuê gian hàng được chi trả từ {document.funding_source}; Bên B không "
            f"phải thanh toán tiền thuê gian hàng.",
            "Bên B tự chi trả chi phí vận chuyển hàng hóa, đi lại, ăn ở của nhân viên và các "
            "dịch vụ phát sinh ngoài tiêu chuẩn gian hàng."])

    story.append(nd30.article(s, 3, "Trách nhiệm của Bên A"))
    story += nd30.bullets(s, [
        "Bàn giao gian hàng đúng vị trí, diện tích và trang thiết bị tiêu chuẩn (vách ngăn, bảng "
        "tên, bàn, ghế, đèn chiếu sáng, ổ cắm điện) chậm nhất 01 ngày trước ngày khai mạc.",
        "Bảo đảm an ninh, trật tự, điện, vệ sinh chung và phòng cháy chữa cháy trong thời gian "
        "diễn ra Sự kiện.",
        "Tổ chức tuyên truyền, quảng bá Sự kiện; cấp thẻ ra vào cho nhân viên của Bên B.",
        "Thông báo kịp thời cho Bên B mọi thay đổi về thời gian, địa điểm của Sự kiện."])
    story.append(nd30.article(s, 4, "Trách nhiệm của Bên B"))
    story += nd30.bullets(s, [
        "Thanh toán đầy đủ, đúng hạn theo Điều 2." if document.total_vnd else
        "Tham gia Sự kiện đúng thời gian, bố trí nhân viên trực gian hàng trong giờ mở cửa.",
        "Trưng bày, giới thiệu và bán đúng các sản phẩm đã đăng ký với Ban tổ chức; sản phẩm có "
        "nguồn gốc, xuất xứ rõ ràng, bảo đảm chất lượng, an toàn thực phẩm và ghi nhãn theo quy "
        "định; niêm yết giá công khai.",
        "Không chuyển nhượng, cho thuê lại gian hàng khi chưa có sự đồng ý bằng văn bản của Bên A.",
        "Chấp hành nội quy Sự kiện; tự bảo quản hàng hóa, tài sản tại gian hàng; bồi thường "
        "thiệt hại do mình gây ra.",
        "Hoàn trả mặt bằng gian hàng nguyên trạng khi kết thúc Sự kiện."])
    story.append(nd30.article(s, 5, "Đơn phương chấm dứt và phạt hủy"))
    story += nd30.bullets(s, [
        "Bên B hủy tham gia từ 15 ngày trở lên trước ngày khai mạc: Bên A hoàn trả số tiền đã "
        "nhận sau khi trừ 50% tiền đặt cọc; dưới 15 ngày: Bên B mất toàn bộ tiền đặt cọc."
        if document.total_vnd else
        "Bên B hủy tham gia phải thông báo bằng văn bản cho Bên A chậm nhất 15 ngày trước ngày "
        "khai mạc để Bên A bố trí đơn vị khác.",
        "Bên A hủy hoặc hoãn Sự kiện không vì sự kiện bất khả kháng phải hoàn trả toàn bộ số tiền "
        "đã nhận của Bên B trong vòng 15 ngày."])
    story.append(nd30.article(s, 6, "Sự kiện bất khả kháng"))
    story.append(nd30.paragraph(
        s, "Sự kiện bất khả kháng là sự kiện xảy ra một cách khách quan, không thể lường trước và "
           "không thể khắc phục được mặc dù đã áp dụng mọi biện pháp cần thiết (thiên tai, dịch "
           "bệnh, hỏa hoạn, quyết định của cơ quan nhà nước có thẩm quyền…). Bên gặp sự kiện bất "
           "khả kháng phải thông báo cho bên kia trong vòng 03 ngày; hai bên cùng bàn bạc hướng "
           "giải quyết và không bên nào phải bồi thường cho bên nào."))
    story.append(nd30.article(s, 7, "Giải quyết tranh chấp"))
    story.append(nd30.paragraph(
        s, "Tranh chấp phát sinh được giải quyết trước hết bằng thương lượng, hòa giải. Nếu không "
           "thương lượng được, một trong hai bên có quyền đưa tranh chấp ra Tòa án nhân dân có "
           "thẩm quyền theo quy định của pháp luật."))
    story.append(nd30.article(s, 8, "Hiệu lực và số bản của hợp đồng"))
    story.append(nd30.paragraph(
        s, "Hợp đồng có hiệu lực kể từ ngày ký và tự thanh lý khi hai bên hoàn thành nghĩa vụ. "
           "Hợp đồng được lập thành 04 bản có giá trị pháp lý như nhau, mỗi bên giữ 02 bản."))
    story.append(nd30.signatures(s, [_signature("ĐẠI DIỆN BÊN A", a),
                                     _signature("ĐẠI DIỆN BÊN B", b)]))
    return story


def _area(value) -> str:
    return format_number(value) if value else ""


# -- memorandum of understanding --------------------------------------------------------------

def _mou(document: Document, draft: bool) -> list:
    s = nd30.styles()
    week = document.week
    a, b, witness = document.party_a, document.party_b, document.witness or {}
    story = _opening(s, document, draft, title="Biên bản ghi nhớ hợp tác",
                     subtitle="V/v hợp tác cung ứng và phân phối sản phẩm",
                     bases=[f"Căn cứ kết quả kết nối giao thương tại {week.name_vi};"],
                     roles=("Bên phân phối", "Bên cung ứng"))
    if witness:
        story.append(nd30.paragraph(
            s, f"Với sự chứng kiến của Ban tổ chức: {witness.get('name', '')}."))
    story.append(nd30.paragraph(s, "Hai bên thống nhất ký biên bản ghi nhớ hợp tác với các nội "
                                   "dung sau:"))
    story.append(nd30.article(s, 1, "Mục đích hợp tác"))
    story.append(nd30.paragraph(s, document.purpose))
    story.append(nd30.article(s, 2, "Sản phẩm và sản lượng dự kiến"))
    rows = [[str(i + 1), line.label, line.detail, line.quantity,
             format_number(line.unit_price_vnd) if line.unit_price_vnd else ""]
            for i, line in enumerate(document.lines)]
    story.append(nd30.grid(s, ["STT", "Sản phẩm", "Quy cách", "Sản lượng dự kiến",
                               "Giá tham khảo (đồng)"], rows, [13, 56, 33, 30, 26],
                           right_columns=(4,)))
    if document.expected_value_vnd:
        story.append(Spacer(1, 4))
        story.append(nd30.paragraph(
            s, f"Giá trị giao dịch dự kiến trong thời hạn biên bản ghi nhớ: "
               f"{format_dong(document.expected_value_vnd)} "
               f"(bằng chữ: {amount_in_words(document.expected_value_vnd).lower()})."))
    story.append(nd30.article(s, 3, "Nguyên tắc về giá và thanh toán"))
    story += nd30.bullets(s, [document.price_terms, document.payment_terms])
    story.append(nd30.article(s, 4, "Trách nhiệm của các bên"))
    story += nd30.bullets(s, [
        "Bên A: tạo điều kiện đưa sản phẩm của Bên B vào hệ thống phân phối; cung cấp thông tin "
        "về yêu cầu chất lượng, bao bì, mã vạch và quy trình nhập hàng; đặt hàng và thanh toán "
        "theo thỏa thuận.",
        "Bên B: cung ứng sản phẩm đúng chất lượng, số lượng, thời hạn đã thỏa thuận; cung cấp đầy "
        "đủ hồ sơ công bố chất lượng, giấy chứng nhận OCOP (nếu có), chứng từ nguồn gốc và hóa đơn "
        "hợp lệ.",
        "Hai bên phối hợp xây dựng chương trình quảng bá, khuyến mại sản phẩm khi cần thiết."])
    story.append(nd30.article(s, 5, "Bảo mật thông tin"))
    story.append(nd30.paragraph(
        s, "Mỗi bên giữ bí mật các thông tin về giá, sản lượng, khách hàng và kế hoạch kinh doanh "
           "nhận được từ bên kia và chỉ sử dụng cho mục đích hợp tác theo biên bản này, trừ khi "
           "pháp luật yêu cầu công bố."))
    story.append(nd30.article(s, 6, "Hiệu lực"))
    binding = ("Biên bản ghi nhớ có giá trị ràng buộc các bên; các nội dung chưa quy định được "
               "hai bên cụ thể hóa bằng hợp đồng mua bán.") if document.binding else (
        "Biên bản ghi nhớ thể hiện ý định hợp tác của hai bên, không phải là hợp đồng mua bán và "
        "không làm phát sinh nghĩa vụ pháp lý ràng buộc, trừ Điều 5. Các giao dịch cụ thể được "
        "thực hiện theo hợp đồng mua bán do hai bên ký kết.")
    copies = ("Biên bản được lập thành 03 bản có giá trị như nhau, mỗi bên giữ 01 bản, Ban tổ "
              "chức giữ 01 bản.") if witness else (
        "Biên bản được lập thành 02 bản có giá trị như nhau, mỗi bên giữ 01 bản.")
    story += nd30.bullets(s, [
        f"Biên bản ghi nhớ có hiệu lực kể từ ngày ký và trong thời hạn {document.valid_months:02d} "
        f"tháng; hết thời hạn, hai bên có thể thỏa thuận gia hạn.", binding, copies])
    story.append(nd30.signatures(s, [_signature("ĐẠI DIỆN BÊN A", a),
                                     _signature("ĐẠI DIỆN BÊN B", b)]))
    if witness:
        story.append(nd30.signatures(s, [_signature("XÁC NHẬN CỦA BAN TỔ CHỨC", witness)]))
    return story
