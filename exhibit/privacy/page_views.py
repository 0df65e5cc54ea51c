"""Routes of the privacy page: public, no sign-in, opened by the signed link every message to a
visitor carries (privacy/page.py). A link this app did not sign is 404 on every route, before
anything is read."""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField

from exhibit.core.downloads import PRIVATE
from exhibit.core.errors import ValidationFailed
from exhibit.core.forms import ActionForm, BaseForm
from exhibit.extensions import limiter
from exhibit.privacy import page as privacy

bp = Blueprint("privacy", __name__)

#: the link is the key to the page: guessing one is pointless (signed), and trying is slowed
LOOKS = "60 per minute;600 per day"
ACTS = "20 per hour"


class RequestForm(BaseForm):
    kind = RadioField(_l("What do you ask for?"), choices=[
        (kind.value, kind.title) for kind in privacy.REQUEST_KINDS], validate_choice=False)
    details = TextAreaField(_l("Details (optional; for a correction, what should change)"),
                            render_kw={"rows": 3, "maxlength": privacy.DETAILS_MAX})


def _page(token: str, subject, form: RequestForm, status: int = 200):
    held = privacy.holdings(subject)
    organiser = privacy.organiser(subject)
    html = render_template("privacy/page.html", token=token, held=held, organiser=organiser,
                           subject=subject, form=form, action=ActionForm(),
                           privacy_data=privacy.data_titles,
                           recipient_title=lambda consent: privacy.recipient_title(
                               consent, organiser.name if organiser else ""))
    response = make_response(html, status)
    # the person's own data: kept by no cache, found by no search engine
    response.headers["Cache-Control"] = PRIVATE
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/privacy/<token>")
@limiter.limit(LOOKS)
def page(token):
    subject = privacy.subject_for(token)
    return _page(token, subject, RequestForm(formdata=None))


@bp.route("/privacy/<token>/consents/<int:consent_id>/withdraw", methods=["POST"])
@limiter.limit(ACTS)
def withdraw(token, consent_id):
    subject = privacy.subject_for(token)
    if not ActionForm().validate_on_submit():
        flash(_("The page had expired. Please try again."), "error")
        return redirect(url_for("privacy.page", token=token))
    consent, now = privacy.withdraw(subject, consent_id)
    flash(_("Your consent is withdrawn: %(recipient)s no longer uses your data for it.",
            recipient=privacy.recipient_title(consent)) if now
          else _("This consent was already withdrawn."), "success")
    return redirect(url_for("privacy.page", token=token) + f"#consent-{consent.id}")


@bp.route("/privacy/<token>/requests", methods=["POST"])
@limiter.limit(ACTS)
def make_request(token):
    subject = privacy.subject_for(token)
    form = RequestForm()
    if form.validate_on_submit():
        try:
            privacy.make_request(subject, kind=form.kind.data or "", details=form.details.data)
        except ValidationFailed as error:
            form.apply_errors(error)
        else:
            flash(_("Your request is received. The organiser answers within 2 working days."),
                  "success")
            return redirect(url_for("privacy.page", token=token) + "#request")
    return _page(token, subject, form, status=422)
