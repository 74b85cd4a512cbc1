"""The reports of a round, for every member of the organisation (readers included): asked for here, made by the
worker, downloaded when ready. No view renders a PDF."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cjgscan.organisations.access import get_membership
from cjgscan.reports import stored
from cjgscan.reports.models import StoredReport
from cjgscan.rounds.access import get_round

ROUND_KINDS = [StoredReport.Kind.BOARD, StoredReport.Kind.FULL]


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def round_report(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    """GET: the two kinds of report, each with its state; POST (any member: asking is reading): ask for one."""
    membership, round_ = get_round(request, org_uuid, round_uuid)
    language = get_language() or "nl"
    version = stored.round_version(round_)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in ROUND_KINDS:
            kind = StoredReport.Kind.BOARD
        report = stored.do_request_report(
            round_.organisation_id, kind, language, stored.fingerprint(version, kind, language), round_=round_
        )
        return redirect(reverse("round_report", args=[org_uuid, round_uuid]) + f"#report-{report.kind}")
    reports = []
    for kind in ROUND_KINDS:
        found = stored.current_report(
            round_.organisation_id, kind, language, stored.fingerprint(version, kind, language)
        )
        reports.append({"kind": kind, "label": StoredReport.Kind(kind).label, "report": found})
    context = {"organisation": membership.organisation, "membership": membership, "round": round_, "reports": reports}
    return render(request, "reports/round_report.html", context)


def _stored(request: HttpRequest, org_uuid: uuid.UUID, report_uuid: uuid.UUID) -> StoredReport:
    membership = get_membership(request, org_uuid)
    try:
        return StoredReport.objects.defer("content").get(uuid=report_uuid, organisation=membership.organisation)
    except StoredReport.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
@never_cache
def report_status(request: HttpRequest, org_uuid: uuid.UUID, report_uuid: uuid.UUID) -> HttpResponse:
    """The state of one asked-for report: the fragment htmx polls, or (without JavaScript) a page to reload."""
    report = _stored(request, org_uuid, report_uuid)
    context = {"organisation": report.organisation, "report": report, "label": StoredReport.Kind(report.kind).label}
    if request.headers.get("HX-Request"):
        return render(request, "reports/_report_status.html", context)
    return render(request, "reports/report_status.html", context)


@login_required
@require_GET
@never_cache
def report_download(request: HttpRequest, org_uuid: uuid.UUID, report_uuid: uuid.UUID) -> HttpResponseBase:
    """The stored file: a read from the database, nothing rendered. Not ready yet: back to its state."""
    report = _stored(request, org_uuid, report_uuid)
    if not report.ready:
        return redirect("report_status", org_uuid, report_uuid)
    content = StoredReport.objects.values_list("content", flat=True).get(pk=report.pk)
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(True, report.file_name or "rapport.pdf") or "attachment"
    )
    return response


@login_required
@require_GET
def round_report_pdf(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponse:
    """The old address of the download: the report page, where it is asked for."""
    get_round(request, org_uuid, round_uuid)
    return redirect("round_report", org_uuid, round_uuid)
