"""The PDF report of a round, for every member of the organisation (readers included)."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cjgscan.reports.report import render_report_pdf, report_file_name
from cjgscan.rounds.access import get_round


@login_required
@require_GET
@never_cache
def round_report_pdf(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    _membership, round_ = get_round(request, org_uuid, round_uuid)
    language = get_language() or "nl"
    response = HttpResponse(render_report_pdf(round_, language), content_type="application/pdf")
    disposition = content_disposition_header(True, report_file_name(round_, language))
    response["Content-Disposition"] = disposition or "attachment"
    return response
