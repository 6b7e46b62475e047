"""The on-disk mail store: Maildir++ folders, UID indexes, delivery, usage, restore.

Pure filesystem code: services and workers call these functions with paths
they got from the database. Each module is one concept:

- ``folderpath``: client folder paths <-> Maildir++ directory names
- ``layout``: user and folder directories, and the checks that keep paths in
- ``uidlist``: a folder's UID index in Dovecot's format, and its lock
- ``names``: Maildir file names
- ``messages``: a folder's message files, kept in step with its index
- ``delivery``: storing a new message
- ``usage``: disk usage
- ``mailcheck``: telling mail from other bytes
- ``restore``: attaching users and folders, taking in ``.eml`` files
"""

from core.mailstore.delivery import DeliveredMessage, Quota, SpaceQuota, deliver
from core.mailstore.errors import (
    CorruptIndex,
    FolderExists,
    FolderNotFound,
    InvalidFolderPath,
    MailStoreError,
    NotMail,
    QuotaExceeded,
    UnsafePath,
)
from core.mailstore.layout import (
    create_folder,
    list_folders,
    locate_user_dir,
)
from core.mailstore.mailcheck import validate_mail
from core.mailstore.messages import StoredMessage, list_messages
from core.mailstore.report import FolderReport, RebuildReport, SkippedFile
from core.mailstore.restore import (
    attach_folder,
    attach_user,
    find_unattached_users,
    rebuild_folder,
)
from core.mailstore.usage import folder_usage, scan_domain_usage

__all__ = [
    "CorruptIndex",
    "DeliveredMessage",
    "FolderExists",
    "FolderNotFound",
    "FolderReport",
    "InvalidFolderPath",
    "MailStoreError",
    "NotMail",
    "Quota",
    "QuotaExceeded",
    "RebuildReport",
    "SkippedFile",
    "SpaceQuota",
    "StoredMessage",
    "UnsafePath",
    "attach_folder",
    "attach_user",
    "create_folder",
    "deliver",
    "find_unattached_users",
    "folder_usage",
    "list_folders",
    "list_messages",
    "locate_user_dir",
    "rebuild_folder",
    "scan_domain_usage",
    "validate_mail",
]
