"""Downloads of a round: figures for every member, anonymised answers for administrators only."""

import tempfile
import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cjgscan.exports.forms import ExportForm
from cjgscan.exports.tables import ANSWERS, answer_folding, export_table
from cjgscan.exports.workbook import write_export_xlsx
from cjgscan.exports.writers import CONTENT_TYPES, CSV, csv_chunks
from cjgscan.rounds.access import get_round
from cjgscan.rounds.models import Round


def export_filename(round_: Round, kind: str, file_format: str) -> str:
    what = _("answers") if kind == ANSWERS else _("figures")
    return f"{slugify(round_.title) or 'meting'}-{what}.{file_format}"


@login_required
@require_GET
@never_cache
def round_export(request: HttpRequest, org_uuid: uuid.UUID, round_uuid: uuid.UUID) -> HttpResponseBase:
    """Without parameters the choice of what to download; with them, the file."""
    membership, round_ = get_round(request, org_uuid, round_uuid)
    form = ExportForm(request.GET or None)
    if not form.is_valid():
        context = {
            "membership": membership,
            "organisation": membership.organisation,
            "round": round_,
            "form": form,
            "results_visible": answer_folding(round_).visible,
        }
        return render(request, "exports/export.html", context, status=400 if form.is_bound else 200)
    kind, file_format = form.cleaned_data["inhoud"], form.cleaned_data["formaat"]
    if kind == ANSWERS and not membership.can_manage:
        raise PermissionDenied
    filename = export_filename(round_, kind, file_format)
    if file_format == CSV:
        table = export_table(round_, kind)
        response = StreamingHttpResponse(
            csv_chunks(table, form.cleaned_data["scheidingsteken"]), content_type=CONTENT_TYPES[CSV]
        )
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
        return response
    # XLSX is a zip file: written whole to a temporary file (deleted when closed), then sent in chunks.
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_export_xlsx(round_, kind, file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[file_format])
