"""Access-log entries for operator commands that read people in bulk without a web request."""

import getpass

from earlyhelp.core.audit import append_access_event
from earlyhelp.core.models import AccessAction, AccessEvent


def record_batch_read(command: str, description: str) -> AccessEvent:
    """`earlyhelp match` and `duplicates-report` read the whole population: say so in the log,
    with the operating-system account that ran them (there is no signed-in user)."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return append_access_event(
        actor=None,
        actor_label=f"command line ({who})"[:254],
        action=AccessAction.EXPORT,
        object_type="person_batch",
        description=f"earlyhelp {command}: {description}"[:255],
    )
