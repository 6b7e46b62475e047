"""The defaults templates that new domains and users start from."""

from sqlmodel import Session

from core.runtime import Runtime

DEFAULT_HOSTNAME = "mail.%domain%"


def domain_template(session: Session, runtime: Runtime) -> dict:
    """The hostname pattern and settings a new domain starts from."""
    # Limitation: the template is the registry's defaults; an editable stored
    # template arrives with the defaults and propagation work.
    return {
        "hostname": DEFAULT_HOSTNAME,
        "settings": runtime.registry.defaults("domain"),
    }
