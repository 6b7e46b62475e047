"""The mailing lists plugin's GraphQL fields and who may call them."""

from plugins.mailing_lists.schema.mutations import (
    list_command_process,
    list_post,
    mailing_list_create,
    mailing_list_delete,
    mailing_list_rename,
    mailing_list_update,
    subscriber_add,
    subscriber_remove,
    subscribers_export,
    subscribers_export_csv,
    subscribers_import,
)
from plugins.mailing_lists.schema.queries import MailingListQueries

MUTATIONS = [
    mailing_list_create.MailingListCreateMutation,
    mailing_list_rename.MailingListRenameMutation,
    mailing_list_update.MailingListUpdateMutation,
    mailing_list_delete.MailingListDeleteMutation,
    subscriber_add.SubscriberAddMutation,
    subscriber_remove.SubscriberRemoveMutation,
    subscribers_import.SubscribersImportMutation,
    subscribers_export.SubscribersExportMutation,
    subscribers_export_csv.SubscribersExportCsvMutation,
    list_command_process.ListCommandProcessMutation,
    list_post.ListPostMutation,
]

ADMINS = {"SYSTEM_ADMIN", "DOMAIN_ADMIN"}

# Domain administrators act only on lists of their own domain, and only
# where its mailingLists section enables lists; users manage no lists (they
# join and leave by mail, through the command address).
OPERATION_RULES = {
    "mailingLists": ADMINS,
    "mailingList": ADMINS,
    "subscribers": ADMINS,
    "createMailingList": ADMINS,
    "renameMailingList": ADMINS,
    "updateMailingList": ADMINS,
    "deleteMailingList": ADMINS,
    "addSubscriber": ADMINS,
    "removeSubscriber": ADMINS,
    "importSubscribers": ADMINS,
    "exportSubscribers": ADMINS,
    "exportSubscribersCsv": ADMINS,
    "processListCommand": ADMINS,
    "postToList": ADMINS,
}


def contributions() -> list:
    from core.schema.builder import SchemaContribution

    items = [SchemaContribution(query=MailingListQueries)]
    return items + [SchemaContribution(mutation=m) for m in MUTATIONS]
