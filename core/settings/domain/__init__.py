"""Core's domain settings sections, one module per card of the reference."""

from core.settings.domain.email import SECTION as EMAIL
from core.settings.domain.features import SECTION as FEATURES
from core.settings.domain.limits import SECTION as LIMITS
from core.settings.domain.login_display import SECTION as LOGIN_DISPLAY
from core.settings.domain.misc import SECTION as MISC
from core.settings.domain.options import SECTION as OPTIONS
from core.settings.domain.security import SECTION as SECURITY
from core.settings.domain.throttling import SECTION as THROTTLING

SECTIONS = [
    OPTIONS,
    LIMITS,
    EMAIL,
    SECURITY,
    MISC,
    THROTTLING,
    FEATURES,
    LOGIN_DISPLAY,
]
