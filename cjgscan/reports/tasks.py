"""Background work of reports, run by `cjgscan worker`: the typesetting never happens in a web request."""

import logging

from django.db import transaction
from django.utils import translation
from django_tasks import task

from cjgscan.lib.stored import claim
from cjgscan.reports.models import StoredReport

logger = logging.getLogger(__name__)


def render_stored(report: StoredReport) -> tuple[bytes, str]:
    """The PDF and its file name, as the report's kind and language ask."""
    from cjgscan.reports import report as round_report
    from cjgscan.reports import workshop_report

    if report.kind == StoredReport.Kind.WORKSHOP:
        assert report.workshop is not None
        workshop = report.workshop
        workshop.organisation = report.organisation
        return workshop_report.render_pdf(workshop, report.language, report.requested_on), workshop_report.file_name(
            workshop, "pdf", report.language
        )
    assert report.round is not None
    round_ = report.round
    round_.organisation = report.organisation
    if report.kind == StoredReport.Kind.PAPER:
        from cjgscan.rounds import paper

        return paper.questionnaire_pdf(round_), paper.questionnaire_file_name(round_)
    appendix = report.kind == StoredReport.Kind.FULL
    return (
        round_report.render_report_pdf(round_, report.language, report.requested_on, appendix),
        round_report.report_file_name(round_, report.language, appendix),
    )


@task()
def make_report(report_id: int) -> str:
    """Make one asked-for report; a report already made (a task queued twice) is left as it is."""
    if not claim(StoredReport, report_id):
        return "gone or done"
    report = StoredReport.objects.select_related(
        "organisation", "round__version__instrument", "round__scale", "workshop__version"
    ).get(pk=report_id)
    try:
        with translation.override(report.language):
            content, name = render_stored(report)
    except Exception:
        logger.exception("Report %s could not be made", report_id)
        StoredReport.objects.filter(pk=report_id).update(status=StoredReport.Status.FAILED)
        raise
    with transaction.atomic():
        StoredReport.objects.filter(pk=report_id).update(
            status=StoredReport.Status.READY, content=content, file_name=name
        )
        # Older versions of the same report are no longer shown; keep only the newest file.
        StoredReport.objects.filter(
            organisation_id=report.organisation_id,
            round=report.round,
            workshop=report.workshop,
            kind=report.kind,
            language=report.language,
            status=StoredReport.Status.READY,
        ).exclude(pk=report_id).delete()
    return "ready"
