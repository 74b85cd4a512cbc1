"""The werksessie report: a page, a PDF made by the worker, a CSV/XLSX table. Any member may read it."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cjgscan.exports.writers import CONTENT_TYPES
from cjgscan.reports import stored
from cjgscan.reports import workshop_report as report_of
from cjgscan.reports.models import StoredReport
from cjgscan.workshops.access import get_workshop


@login_required
@require_GET
@never_cache
def workshop_report(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    membership, workshop = get_workshop(request, org_uuid, workshop_uuid)
    language = get_language() or "nl"
    fingerprint = stored.workshop_fingerprint(workshop, language)
    context = report_of.workshop_context(workshop)
    context.update(
        membership=membership,
        report=stored.current_report(workshop.organisation_id, StoredReport.Kind.WORKSHOP, language, fingerprint),
        label=StoredReport.Kind.WORKSHOP.label,
        formats=report_of.FORMATS,
    )
    return render(request, "reports/workshop_report_page.html", context)


@login_required
@require_POST
def workshop_report_pdf(request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID) -> HttpResponse:
    """Ask the worker for the PDF (any member: asking is reading)."""
    _membership, workshop = get_workshop(request, org_uuid, workshop_uuid)
    language = get_language() or "nl"
    fingerprint = stored.workshop_fingerprint(workshop, language)
    stored.do_request_report(
        workshop.organisation_id, StoredReport.Kind.WORKSHOP, language, fingerprint, workshop=workshop
    )
    return redirect(reverse("workshop_report", args=[org_uuid, workshop_uuid]) + "#pdf")


@login_required
@require_GET
def workshop_report_table(
    request: HttpRequest, org_uuid: uuid.UUID, workshop_uuid: uuid.UUID, fmt: str
) -> HttpResponse:
    """Notes and wishes as CSV (semicolons, for Dutch Excel) or XLSX: a few hundred rows, made at once."""
    _membership, workshop = get_workshop(request, org_uuid, workshop_uuid)
    if fmt not in report_of.FORMATS:
        raise Http404
    language = get_language() or "nl"
    response = HttpResponse(report_of.table_bytes(workshop, fmt), content_type=CONTENT_TYPES[fmt])
    name = report_of.file_name(workshop, fmt, language)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response
