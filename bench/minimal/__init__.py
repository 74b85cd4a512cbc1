"""The load benchmark's yardstick: the smallest Django view that does a respondent's request work.

Installed only by bench/settings.py, which only bench/load.py selects (DJANGO_SETTINGS_MODULE=bench.settings); the
`cjgscan` package never imports it and the wheel does not contain it, so production cannot reach its URL.
"""
