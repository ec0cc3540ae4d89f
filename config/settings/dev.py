"""Local development and `make demo`: SQLite by default, the demo two-factor shortcut on."""

import os

os.environ.setdefault("EARLYHELP_DEMO_TWO_FACTOR_CODE", "000000")

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
DEMO_TWO_FACTOR_CODE = os.environ["EARLYHELP_DEMO_TWO_FACTOR_CODE"]
