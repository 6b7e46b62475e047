"""Mailing lists, their subscribers, pending confirmations and posts.

``mailing_list`` declares ``info["domain_address"]``: its rows hold
addresses of a domain, so ``core.services.users.check_address_free`` keeps
users and aliases off a list's address (and the list's code names the clash).
"""

from datetime import datetime
from enum import Enum

from sqlalchemy import JSON, BigInteger, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.base import timestamp_field


class PostingPolicy(Enum):
    """Who may post to a list."""

    ANYONE = "anyone"
    SUBSCRIBERS = "subscribers"
    MODERATORS = "moderators"


class ConfirmationAction(Enum):
    """What a confirmed request does."""

    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"


class MailingList(SQLModel, table=True):
    """An address of a domain whose mail goes to every subscriber.

    ``moderators`` is a JSON list of normalised addresses, replaced as a
    whole. ``subscriber_count`` is kept in the transaction of every change
    to the subscribers, after locking this row.
    """

    __tablename__ = "mailing_list"
    __table_args__ = (
        UniqueConstraint("domain_id", "local_part"),
        {"info": {"domain_address": "MAILING_LIST_EXISTS"}},
    )

    id: int | None = Field(default=None, primary_key=True)
    domain_id: int = Field(foreign_key="domain.id", ondelete="CASCADE", index=True)
    local_part: str = Field(max_length=64)
    description: str = Field(default="", max_length=512)
    posting_policy: str = Field(default=PostingPolicy.SUBSCRIBERS.value, max_length=16)
    moderators: list = Field(default_factory=list, sa_type=JSON)
    subscriber_count: int = 0
    created_at: datetime = timestamp_field()


class Subscriber(SQLModel, table=True):
    """An address that receives a list's posts."""

    __tablename__ = "mailing_list_subscriber"
    __table_args__ = (UniqueConstraint("list_id", "address"),)

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="mailing_list.id", ondelete="CASCADE", index=True)
    address: str = Field(max_length=320)
    display_name: str = Field(default="", max_length=255)
    created_at: datetime = timestamp_field()


class PendingConfirmation(SQLModel, table=True):
    """A subscription change asked for by mail, waiting for its token.

    Only the token's SHA-256 is stored; the token itself was mailed to
    ``address``, so only who reads that mailbox can confirm.
    """

    __tablename__ = "mailing_list_confirmation"
    __table_args__ = (UniqueConstraint("list_id", "address", "action"),)

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="mailing_list.id", ondelete="CASCADE", index=True)
    address: str = Field(max_length=320)
    action: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp_field()
    expires_at: datetime = timestamp_field()


class ListPost(SQLModel, table=True):
    """A message accepted for a list, kept until its delivery job is done.

    ``raw`` is the message as delivered (list headers added); it is emptied
    once every subscriber had it, while ``size`` stays for the record.
    """

    __tablename__ = "mailing_list_post"

    id: int | None = Field(default=None, primary_key=True)
    list_id: int = Field(foreign_key="mailing_list.id", ondelete="CASCADE", index=True)
    sender: str = Field(max_length=320)
    size: int = Field(default=0, sa_type=BigInteger)
    raw: bytes | None = Field(default=None, sa_type=LargeBinary)
    created_at: datetime = timestamp_field()
