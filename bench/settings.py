"""Settings for the load benchmark's yardstick server: the shipped settings plus the minimal view (bench/minimal).

Selected only by bench/load.py through DJANGO_SETTINGS_MODULE; the product's servers keep cjgscan.settings.
"""

from cjgscan.settings import *  # noqa: F403 -- the shipped settings, unchanged but for the two lines below
from cjgscan.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.minimal"]
ROOT_URLCONF = "bench.minimal.urls"
