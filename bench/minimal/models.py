from django.db import models


class Row(models.Model):
    """One saved value per request; no migrations: the benchmark creates the table with `migrate --run-syncdb`."""

    value = models.CharField(max_length=100)
    saved_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.value
