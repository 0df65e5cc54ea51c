"""The message log pages: a business's own messages, a week's log for its organiser (with
"send again"), and the development outbox."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from exhibit.core.db import write_transaction
from exhibit.core.forms import ActionForm, row_id
from exhibit.core.permissions import organiser_required, role_required
from exhibit.messaging import log, outbox
from exhibit.weeks.services import get_managed_week

bp = Blueprint("messaging", __name__)


@bp.route("/my/messages")
@role_required("exhibitor", "buyer")
def my_messages():
    page = log.messages_for(current_user, page=request.args.get("page", 1, type=int))
    return render_template("messaging/log.html", page=page, week=None, mine=True)


@bp.route("/organiser/weeks/<slug>/messages")
@organiser_required
def week_log(slug):
    week = get_managed_week(slug, current_user)
    business_id = request.args.get("business", type=row_id)
    page = log.week_messages(week, page=request.args.get("page", 1, type=int),
                             business_id=business_id)
    return render_template("messaging/log.html", page=page, week=week, mine=False,
                           business_id=business_id, resend_form=ActionForm())


@bp.route("/organiser/weeks/<slug>/messages/<int:message_id>/resend", methods=["POST"])
@organiser_required
def resend(slug, message_id):
    week = get_managed_week(slug, current_user)
    if ActionForm().validate_on_submit():
        with write_transaction():
            message = log.get_week_message(week, message_id)
            outbox.resend(message, actor=current_user)
        flash(_("The message will be sent again to %(address)s.", address=message.address),
              "success")
    return redirect(url_for("messaging.week_log", slug=week.slug))


@bp.route("/dev/outbox")
def dev_outbox():
    """Every message, newest first — in development only, where email goes to files, and only
    to the machine itself (a development server reachable from a network shows nothing)."""
    if current_app.config["ENV_NAME"] != "development" or \
            request.remote_addr not in ("127.0.0.1", "::1"):
        abort(404)
    page = log.recent(page=request.args.get("page", 1, type=int))
    return render_template("messaging/log.html", page=page, week=None, mine=False, dev=True)
