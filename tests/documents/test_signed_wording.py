"""The signed wording cannot silently change language: contracts and MoUs are rendered in
Vietnamese only from a compiled catalogue that holds every message of their wording, not older
than its source and without fuzzy entries; otherwise nothing is issued (503, in words the
organiser understands) and production does not start. With the real catalogue every issued
document reads Vietnamese throughout.

The broken catalogues are temporary copies of exhibit/translations; the build output the rest
of the suite uses is never touched."""
from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import TEST_SETTINGS, bearer, login
from tests.printed import pdftotext

TRANSLATIONS = Path(__file__).resolve().parents[2] / "exhibit" / "translations"
VI = Path("vi") / "LC_MESSAGES"


# -- documents of every kind ------------------------------------------------------------------

@pytest.fixture
def drafts(app, bank_ready, open_week, confirmed_exhibitor, make_exhibitor):
    """Drafts down every branch of the wording: a contract with rent, VAT and a deposit, a
    subsidised contract (0 đồng and its funding source) for a household business, an MoU
    witnessed by the organiser that binds, and one between the two businesses alone that does
    not."""
    from exhibit.catalogue import services as catalogue
    from exhibit.documents import services
    from exhibit.extensions import db
    from exhibit.floorplan.services import get_booth
    from exhibit.weeks.services import update_organizer
    from tests.catalogue.conftest import product_data
    update_organizer(actor=bank_ready, data={"authorisation": "Giấy ủy quyền số 12/GUQ-ITPC"})
    get_booth(open_week, "A02").price_vnd = 0  # the second confirmed exhibitor's booth
    db.session.commit()
    supplier = confirmed_exhibitor("Công ty TNHH Cà phê Ê Đê", legal_form="cong_ty_tnhh")
    household = confirmed_exhibitor("Hộ kinh doanh Mật ong Hoa", legal_form="ho_kinh_doanh")
    paid = services.create_contract(actor=bank_ready, week=open_week,
                                    business_id=supplier.business_id)
    services.update_draft(actor=bank_ready, document=paid, data={
        "vat_percent": 8, "deposit_percent": 50, "dated_on": date(2024, 3, 5)})
    free = services.create_contract(actor=bank_ready, week=open_week,
                                    business_id=household.business_id)
    assert free.total_vnd == 0 and free.funding_source
    products = [catalogue.create_product(actor=supplier, data=product_data(
        name=name, price_vnd=price, unit="túi")).id
        for name, price in (("Cà phê rang xay Ê Đê", 180000), ("Cà phê hạt Robusta", 150000))]
    witnessed = services.create_mou(
        actor=bank_ready, week=open_week, supplier_id=supplier.business_id,
        buyer_business_id=make_exhibitor("Siêu thị Quê Nhà").business_id,
        product_ids=products, witness=True)
    services.update_draft(actor=bank_ready, document=witnessed,
                          data={"binding": True, "expected_value_vnd": "1.200.000.000"})
    alone = services.create_mou(
        actor=bank_ready, week=open_week, supplier_id=supplier.business_id,
        buyer_business_id=make_exhibitor("Cửa hàng Đặc sản Việt").business_id,
        product_ids=products, witness=False)
    return {"paid contract": paid, "subsidised contract": free, "witnessed MoU": witnessed,
            "MoU without witness": alone}


def _po():
    from babel.messages.pofile import read_po
    with open(TRANSLATIONS / VI / "messages.po", "rb") as f:
        return read_po(f, locale="vi")


def english_phrases() -> dict[str, object]:
    """Every run of two or more English words in the wording's message ids (placeholders cut
    out), except those the Vietnamese translation keeps as they are."""
    from exhibit.documents.wording import wording_messages
    po = _po()
    phrases = {}
    for message in wording_messages():
        translated = po.get(message.msgid, message.context).string.casefold()
        for piece in re.split(r"%\(\w+\)s|%%", message.msgid):
            phrase = " ".join(piece.split()).strip(" .,;:()“”")
            if len(re.findall(r"[A-Za-z]{2,}", phrase)) >= 2 and phrase.casefold() not in translated:
                phrases[phrase] = message
    return phrases


#: English words no Vietnamese contract contains (names and addresses here are Vietnamese)
ENGLISH_WORDS = re.compile(r"\b(the|and|of|with|Party|Article|Pursuant|shall|hereinafter)\b")


def test_every_issued_contract_and_mou_is_vietnamese_throughout(bank_ready, drafts):
    from exhibit.documents import services
    phrases = english_phrases()
    assert len(phrases) > 80  # the check below has something to find
    texts = {}
    for kind, document in drafts.items():
        services.issue(actor=bank_ready, document=document)
        text = pdftotext(services.pdf_content(document))
        texts[kind] = text
        found = [phrase for phrase in phrases if phrase.casefold() in text.casefold()]
        assert found == [], f"{kind} prints English wording: {found[:5]}"
        assert ENGLISH_WORDS.findall(text) == [], kind
        for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                         "Căn cứ Bộ luật Dân sự số 91/2015/QH13", "Căn cứ Luật Thương mại",
                         "Điều 1.", "Điều 6.", "ĐẠI DIỆN BÊN A", "ĐẠI DIỆN BÊN B", "Địa chỉ:",
                         "Mã số thuế:", "Đại diện:", "Chức vụ:"):
            assert expected in text, (kind, expected)

    for kind in ("paid contract", "subsidised contract"):
        assert "HỢP ĐỒNG THUÊ GIAN HÀNG" in texts[kind] and "Điều 8. Hiệu lực" in texts[kind]
    assert "Thuế GTGT (8%): 104.000 đồng" in texts["paid contract"]
    assert "Bằng chữ: Một triệu bốn trăm lẻ bốn nghìn đồng" in texts["paid contract"]
    assert "bằng chữ: không đồng" in texts["subsidised contract"]
    assert "(Ký, ghi rõ họ tên)" in texts["subsidised contract"]  # a household: no seal
    for kind in ("witnessed MoU", "MoU without witness"):
        assert "BIÊN BẢN GHI NHỚ HỢP TÁC" in texts[kind] and "Điều 5. Bảo mật" in texts[kind]
    assert "XÁC NHẬN CỦA BAN TỔ CHỨC" in texts["witnessed MoU"]
    assert "bằng chữ: một tỷ hai trăm triệu đồng" in texts["witnessed MoU"]
    assert "XÁC NHẬN CỦA BAN TỔ CHỨC" not in texts["MoU without witness"]


def lookups_while_rendering(app, monkeypatch, documents) -> set[tuple[str | None, str]]:
    """Every (context, msgid) the catalogue is asked for while rendering the documents, drafts
    and issued, in both languages."""
    import flask_babel

    from exhibit.documents import render
    looked_up: set[tuple[str | None, str]] = set()
    real = flask_babel.Domain.get_translations

    class Recording:
        def __init__(self, translations):
            self._translations = translations

        def ugettext(self, msgid):
            looked_up.add((None, msgid))
            return self._translations.ugettext(msgid)

        def upgettext(self, context, msgid):
            looked_up.add((context, msgid))
            return self._translations.upgettext(context, msgid)

        def ungettext(self, singular, plural, n):
            looked_up.add((None, singular))
            return self._translations.ungettext(singular, plural, n)

        def unpgettext(self, context, singular, plural, n):
            looked_up.add((context, singular))
            return self._translations.unpgettext(context, singular, plural, n)

        def __getattr__(self, name):
            return getattr(self._translations, name)

    monkeypatch.setattr(flask_babel.Domain, "get_translations",
                        lambda self: Recording(real(self)))
    monkeypatch.setattr(render, "require_signed_wording", lambda: None)  # it looks up them all
    with app.test_request_context():
        for document in documents:
            for lang in ("vi", "en"):
                render.render_pdf(document, draft=True, lang=lang)
                render.render_pdf(document, draft=False, lang=lang)
    return looked_up


def test_the_wording_set_is_every_message_rendering_looks_up(app, monkeypatch, drafts):
    """The check knows the wording by extracting it from WORDING_MODULES: rendering every kind
    of document looks up no message outside that set."""
    from exhibit.documents.wording import wording_messages
    looked_up = lookups_while_rendering(app, monkeypatch, drafts.values())
    wording = {(m.context, m.msgid) for m in wording_messages()}
    assert looked_up - wording == set()
    assert len(looked_up) > 0.9 * len(wording)  # the drafts above cover nearly every branch


def test_wording_moved_out_of_the_wording_modules_is_caught(app, monkeypatch, drafts):
    """The control: a heading translated in the PDF layout module instead — which the check
    would not know about — shows up here (rather than print in English one day)."""
    from flask_babel import gettext

    from exhibit.documents.wording import wording_messages
    from exhibit.pdf import document as nd30
    title = nd30.title
    monkeypatch.setattr(nd30, "title", lambda s, text, subtitle="": title(
        s, text, subtitle + gettext("in two originals")))
    looked_up = lookups_while_rendering(app, monkeypatch, [drafts["paid contract"]])
    assert looked_up - {(m.context, m.msgid) for m in wording_messages()} == {
        (None, "in two originals")}


def test_the_real_catalogue_passes_the_check(app):
    from exhibit.documents.wording import app_catalogue_problems, wording_messages
    assert app_catalogue_problems(app) == []
    assert {"Booth rental contract", "Force majeure", "Confidentiality"} <= {
        m.msgid for m in wording_messages()}
    assert ("document", "Represented by") in {(m.context, m.msgid) for m in wording_messages()}


# -- broken catalogues ------------------------------------------------------------------------

@pytest.fixture
def catalogue_copy(tmp_path):
    """A copy of exhibit/translations (with the compiled .mo files of this build)."""
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy)
    return copy


@pytest.fixture
def app_reads(app, monkeypatch):
    """Points the app's catalogue at another directory, as BABEL_TRANSLATION_DIRECTORIES would,
    and forgets what Flask-Babel loaded meanwhile (its cache is process-wide)."""
    from flask_babel import force_locale, get_translations

    from exhibit.extensions import babel
    with app.test_request_context(), force_locale("vi"):
        get_translations()  # loaded from the real catalogue before pointing anywhere else

    def point_at(directory: Path):
        monkeypatch.setitem(app.config, "BABEL_TRANSLATION_DIRECTORIES", str(directory))
        monkeypatch.setattr(app.extensions["babel"], "translation_directories", [str(directory)])
    yield point_at
    babel.domain_instance.cache.clear()


def _edit_po(directory: Path, edit, *, compile_fuzzy: bool = False) -> None:
    """Change the copy's .po, then compile it as `make translations` does (or, with
    ``compile_fuzzy``, as it did with --use-fuzzy)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po, write_po
    po_path, mo_path = directory / VI / "messages.po", directory / VI / "messages.mo"
    with open(po_path, "rb") as f:
        catalog = read_po(f, locale="vi")
    edit(catalog)
    with open(po_path, "wb") as f:
        write_po(f, catalog)
    with open(mo_path, "wb") as f:
        write_mo(f, catalog, use_fuzzy=compile_fuzzy)
    stamp = po_path.stat().st_mtime_ns + 1_000_000
    os.utime(mo_path, ns=(stamp, stamp))


def test_without_the_compiled_catalogue_nothing_is_issued_or_rendered_in_vietnamese(
        app, client, bank_ready, drafts, catalogue_copy, app_reads, caplog):
    from exhibit.core import audit
    from exhibit.documents import services
    from exhibit.documents.models import DocumentFile
    from exhibit.documents.wording import REFUSAL, SignedWordingUnavailable
    from exhibit.extensions import db
    from exhibit.media import storage
    issued = services.issue(actor=bank_ready, document=drafts["witnessed MoU"])  # while complete
    stored = services.pdf_content(issued)
    files_before = sorted(storage.upload_root().rglob("*.pdf"))

    (catalogue_copy / VI / "messages.mo").unlink()
    app_reads(catalogue_copy)
    draft = drafts["paid contract"]
    with pytest.raises(SignedWordingUnavailable) as refused:
        services.issue(actor=bank_ready, document=draft)
    assert refused.value.status == 503 and refused.value.message == REFUSAL["vi"]
    assert "messages.mo" in caplog.text and "make translations" in caplog.text
    db.session.refresh(draft)
    assert (draft.status, draft.number or None, draft.sequence, draft.version) == ("draft", None, None, 0)
    assert db.session.query(DocumentFile).filter_by(document_id=draft.id).count() == 0
    assert "issue" not in [e.action for e in audit.entries(entity="document", entity_id=draft.id)]
    assert sorted(storage.upload_root().rglob("*.pdf")) == files_before  # nothing stored

    # the organiser's pages: "issue" says why and changes nothing; the draft preview is a 503
    login(client, bank_ready)
    page = client.post(f"/organiser/documents/{draft.id}/issue", follow_redirects=True)
    assert page.status_code == 200 and REFUSAL["vi"] in page.get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.status == "draft" and not draft.number
    preview = client.get(f"/documents/{draft.id}.pdf")
    assert preview.status_code == 503 and REFUSAL["vi"] in preview.get_data(as_text=True)
    # the API: 503 with the error body
    api = client.get(f"/api/v1/documents/{draft.id}.pdf", headers=bearer(app, bank_ready))
    assert api.status_code == 503
    assert api.get_json()["error"] == "document_wording_unavailable"
    # what was issued before is served as stored, never rendered again
    assert client.get(f"/documents/{issued.id}.pdf").data == stored
    # the English reference copy is the message ids themselves: it needs no catalogue
    english = client.get(f"/documents/{draft.id}.pdf?lang=en")
    assert english.status_code == 200 and "BOOTH RENTAL CONTRACT" in pdftotext(english.data)

    # compiled again, the same draft issues
    shutil.copy(TRANSLATIONS / VI / "messages.mo", catalogue_copy / VI / "messages.mo")
    services.issue(actor=bank_ready, document=draft)
    assert draft.status == "issued" and "HỢP ĐỒNG THUÊ GIAN HÀNG" in pdftotext(
        services.pdf_content(draft))


def test_a_catalogue_older_than_its_source_is_refused(app, bank_ready, drafts, catalogue_copy,
                                                      app_reads):
    from exhibit.documents import render
    from exhibit.documents.wording import SignedWordingUnavailable, app_catalogue_problems
    po = catalogue_copy / VI / "messages.po"
    later = (catalogue_copy / VI / "messages.mo").stat().st_mtime_ns + 5_000_000_000
    os.utime(po, ns=(later, later))  # the translations changed after the last compile
    app_reads(catalogue_copy)
    assert any("is older than" in p for p in app_catalogue_problems(app))
    with app.test_request_context(), pytest.raises(SignedWordingUnavailable):
        render.render_pdf(drafts["subsidised contract"], draft=True)


@pytest.mark.parametrize("change, expected", [
    ("fuzzy", "the translation is marked fuzzy"),
    ("untranslated", "not translated in the compiled catalogue"),
    ("placeholder dropped", "placeholder"),
])
def test_a_wording_message_fuzzy_untranslated_or_broken_is_refused(
        app, bank_ready, drafts, catalogue_copy, app_reads, change, expected):
    from exhibit.documents import services
    from exhibit.documents.wording import SignedWordingUnavailable, app_catalogue_problems
    msgid = "Total contract value (VAT included): %(amount)s."

    def edit(catalog):
        message = catalog.get(msgid)
        if change == "fuzzy":
            message.flags.add("fuzzy")
        elif change == "untranslated":
            message.string = ""
        else:
            message.string = "Tổng giá trị hợp đồng (đã bao gồm thuế GTGT)."
    # compiled with --use-fuzzy, as the Makefile used to: the fuzzy guess reaches the .mo
    _edit_po(catalogue_copy, edit, compile_fuzzy=True)
    app_reads(catalogue_copy)
    problems = app_catalogue_problems(app)
    assert len(problems) == 1 and msgid in problems[0] and expected in problems[0], problems
    with pytest.raises(SignedWordingUnavailable):
        services.issue(actor=bank_ready, document=drafts["paid contract"])
    assert not drafts["paid contract"].number


def test_a_process_that_loaded_the_catalogue_before_it_was_compiled_refuses(
        app, monkeypatch, drafts, caplog):
    """The files are complete, but this process loaded its catalogue (once, for good) while
    they were missing: what it would print is not the files' wording."""
    from babel.support import Translations

    from exhibit.documents import render
    from exhibit.documents.wording import SignedWordingUnavailable, app_catalogue_problems
    from exhibit.extensions import babel
    monkeypatch.setitem(babel.domain_instance.cache, ("vi", "messages"), Translations())
    assert app_catalogue_problems(app) == []
    with app.test_request_context(), pytest.raises(SignedWordingUnavailable):
        render.render_pdf(drafts["paid contract"])
    assert "restart the app" in caplog.text


def test_a_fuzzy_message_outside_the_wording_does_not_stop_documents(app, catalogue_copy, app_reads):
    def edit(catalog):
        catalog.get("Draft saved.").flags.add("fuzzy")
    _edit_po(catalogue_copy, edit)
    app_reads(catalogue_copy)
    from exhibit.documents.wording import app_catalogue_problems
    assert app_catalogue_problems(app) == []


# -- starting in production -------------------------------------------------------------------

def _production_app(tmp_path, translations: Path):
    from exhibit import create_app
    return create_app({**TEST_SETTINGS, "ENV_NAME": "production", "TESTING": False,
                       "SECRET_KEY": "a-production-secret",
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
                       "UPLOAD_DIR": str(tmp_path / "uploads"),
                       "BABEL_TRANSLATION_DIRECTORIES": str(translations)})


def _dispose(app) -> None:
    from exhibit.extensions import db
    with app.app_context():
        db.engine.dispose()


def test_production_refuses_to_start_without_the_compiled_catalogue(tmp_path, catalogue_copy):
    (catalogue_copy / VI / "messages.mo").unlink()
    with pytest.raises(RuntimeError) as refused:
        _production_app(tmp_path, catalogue_copy)
    message = str(refused.value)
    assert message.startswith("Refusing to start in production")
    assert "The compiled catalogue is missing" in message and "make translations" in message


def test_production_refuses_to_start_with_a_stale_catalogue(tmp_path, catalogue_copy):
    po = catalogue_copy / VI / "messages.po"
    later = (catalogue_copy / VI / "messages.mo").stat().st_mtime_ns + 5_000_000_000
    os.utime(po, ns=(later, later))
    with pytest.raises(RuntimeError, match="is older than"):
        _production_app(tmp_path, catalogue_copy)


def test_production_starts_with_the_compiled_catalogue(tmp_path, catalogue_copy):
    _dispose(_production_app(tmp_path, catalogue_copy))
