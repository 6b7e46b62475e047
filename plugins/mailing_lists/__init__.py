"""Mailing lists: addresses whose mail goes to subscribers who join and leave.

The ``mailingLists`` domain section enables lists and bounds them; domain
administrators manage lists and subscribers over GraphQL; people join and
leave by mail through the domain's command address, with a confirmation
token; posts reach every subscriber through a job. The mail transport
hands messages over with ``mailplane list-command`` and ``mailplane
list-post LIST`` (see ``plugins.mailing_lists.cli``).
"""

from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from plugins.mailing_lists import models  # noqa: F401  (puts the tables on the metadata)

PLUGIN_INFO = PluginInfo(
    name="mailing_lists",
    version="1.0.0",
    description="Mailing lists with subscriptions by mail, posting and delivery.",
)


@hookimpl
def register_domain_sections() -> list:
    from plugins.mailing_lists.settings import SECTION

    return [SECTION]


@hookimpl
def register_schema(types) -> list:
    from plugins.mailing_lists.schema import contributions

    return contributions()


@hookimpl
def register_export_columns(kind: str) -> list:
    from sqlalchemy import func, select

    from core.models import Domain
    from core.services.export_columns import ExportColumn
    from plugins.mailing_lists.models import MailingList

    if kind != "domains":
        return []
    subscribers = (
        select(func.coalesce(func.sum(MailingList.subscriber_count), 0))
        .where(MailingList.domain_id == Domain.id)
        .scalar_subquery()
    )
    return [ExportColumn(name="mailingListSubscriberCount", expression=subscribers)]


@hookimpl
def register_actors(broker) -> None:
    from plugins.mailing_lists.actors import declare_on

    declare_on(broker)


@hookimpl
def register_operation_rules() -> dict:
    from plugins.mailing_lists.schema import OPERATION_RULES

    return OPERATION_RULES


@hookimpl
def after_domain_rename(session, runtime, domain, old_name) -> None:
    from plugins.mailing_lists.renames import follow_domain_rename

    follow_domain_rename(session, old_name, domain.name)
