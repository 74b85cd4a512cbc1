"""Downloads of a round: figures for every member, anonymised answers for administrators only.

What a web process may do here is bounded (issue 14: no request costs more than a fraction of a second of a web
worker, measured in docs/benchmarks.md):

- the figures are written in the request: they are the dashboard's numbers (one GROUP BY, the release's cells),
  a few hundred rows whatever the number of respondents, and cost what the dashboard costs;
- the answers grow with the respondents (51 rows each): a POST asks the worker for the file (cjgscan/exports/
  tasks.py), a page shows how far it is, and the download sends the stored file part by part. No view here writes
  an answer row.
"""

import tempfile
import uuid
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cjgscan.exports import stored
from cjgscan.exports.forms import ExportForm
from cjgscan.exports.models import StoredExport, StoredExportPart
from cjgscan.exports.tables import ANSWERS, FIGURES, answer_folding, export_filename, export_table
from cjgscan.exports.workbook import write_export_xlsx
from cjgscan.exports.writers import CONTENT_TYPES, CSV, csv_chunks
from cjgscan.organisations.access import get_membership_admin
from cjgscan.rounds.access import get_round
from cjgscan.rounds.models import Round


def figures_download(round_: Round, file_format: str, delimiter: str) -> HttpResponseBase:
    filename = export_filename(round_, FIGURES, file_format)
    if file_format == CSV:
        response = StreamingHttpResponse(
            csv_chunks(export_table(round_, FIGURES), delimiter), content_type=CONTENT_TYPES[CSV]
        )
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
        return response
    # XLSX is a zip file: written whole to a temporary file (deleted when closed), then sent in chunks.
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_export_xlsx(round_, FIGURES, file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[file_format])


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def round_export(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponseBase:
    """Without parameters the choice of what to download; with them the figures, or the state of the answers
    file. POST (administrators, the form they see): the figures, or ask the worker for the answers file."""
    membership, round_ = get_round(request, org_uuid, round_uuid)
    if request.method == "POST" and not membership.can_manage:
        raise PermissionDenied
    form = ExportForm((request.POST if request.method == "POST" else request.GET) or None)

    def page(status: int = 200, **extra: object) -> HttpResponse:
        context = {
            "membership": membership,
            "organisation": membership.organisation,
            "round": round_,
            "form": form,
            "results_visible": answer_folding(round_).visible,
            **extra,
        }
        return render(request, "exports/export.html", context, status=status)

    if not form.is_valid():
        return page(status=400 if form.is_bound else 200)
    kind, file_format = form.cleaned_data["inhoud"], form.cleaned_data["formaat"]
    delimiter = form.cleaned_data["scheidingsteken"]
    if kind != ANSWERS:
        return figures_download(round_, file_format, delimiter)
    if not membership.can_manage:
        raise PermissionDenied
    language = get_language() or "nl"
    version = stored.round_answers_version(round_)
    if request.method == "POST":
        export = stored.do_request_export(round_, kind, file_format, delimiter, language, version)
        if export.ready:  # made before for exactly these data: a second click costs nothing
            return redirect("export_download", org_uuid, export.uuid)
        return redirect("export_status", org_uuid, export.uuid)
    # A GET changes nothing: the page says whether this file is there, and offers to make it.
    fingerprint = stored.export_fingerprint(version, kind, file_format, delimiter, language)
    return page(answers={"export": stored.current_export(round_.organisation_id, fingerprint), "form": form})


def _stored(request: HttpRequest, org_uuid: uuid.UUID, export_uuid: uuid.UUID) -> StoredExport:
    """An organisation's stored answers file: administrators only (403 for other members, 404 for outsiders)."""
    membership = get_membership_admin(request, org_uuid)
    try:
        export = StoredExport.objects.select_related("round").get(
            uuid=export_uuid, organisation=membership.organisation
        )
    except StoredExport.DoesNotExist:
        raise Http404 from None
    export.organisation = membership.organisation
    return export


@login_required
@require_GET
@never_cache
def export_status(request: HttpRequest, org_uuid: uuid.UUID, export_uuid: uuid.UUID) -> HttpResponse:
    """The state of one asked-for export: the fragment htmx polls, or (without JavaScript) a page to reload."""
    export = _stored(request, org_uuid, export_uuid)
    context = {"organisation": export.organisation, "round": export.round, "export": export}
    if request.headers.get("HX-Request"):
        return render(request, "exports/_export_status.html", context)
    return render(request, "exports/export_status.html", context)


def _parts(export_id: int) -> Iterator[bytes]:
    parts = StoredExportPart.objects.filter(export_id=export_id).order_by("number").values_list("data", flat=True)
    for data in parts.iterator(chunk_size=1):  # one part (1 MiB) in memory at a time
        yield bytes(data)


@login_required
@require_GET
@never_cache
def export_download(request: HttpRequest, org_uuid: uuid.UUID, export_uuid: uuid.UUID) -> HttpResponseBase:
    """The stored file, read part by part from the database: nothing is written. Not ready yet: its state."""
    export = _stored(request, org_uuid, export_uuid)
    if not export.ready:
        return redirect("export_status", org_uuid, export_uuid)
    response = StreamingHttpResponse(_parts(export.pk), content_type=CONTENT_TYPES[export.file_format])
    response["Content-Length"] = str(export.size)
    response["Content-Disposition"] = content_disposition_header(True, export.file_name) or "attachment"
    return response
