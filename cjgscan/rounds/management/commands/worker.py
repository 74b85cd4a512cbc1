from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand


class Command(DatabaseWorkerCommand):
    """django-tasks' database worker under our name, with all its options (--batch, --interval, ...)."""

    help = (
        "Run the background worker: it sends the e-mails and makes the PDF reports, printable questionnaires and "
        "answer exports."
    )
