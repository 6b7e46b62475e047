"""The User type, its parts, and the inputs users are filtered and changed with."""

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types.unset import UNSET

from core.models import Domain as DomainRow
from core.models import User as UserRow
from core.models.base import as_utc
from core.runtime import Runtime
from core.schema.scalars import BigInt
from core.schema.settings_types import SettingsView
from core.services.user_fields import read_forwarding
from core.services.user_list import UserOrderField


@strawberry.enum(description="Whether a user may log in.")
class UserStatus(Enum):
    ENABLED = "enabled"
    DISABLED = "disabled"


@strawberry.enum(description="How a user's password is checked.")
class AuthType(Enum):
    PASSWORD = "password"
    DIRECTORY = "directory"


strawberry.enum(UserOrderField, description="What the user list is sorted by.")


@strawberry.type(description="What a user tells about itself; exports list it.")
class UserProfile:
    title: str = strawberry.field(description="Form of address, such as Dr.")
    full_name: str = strawberry.field(description="Full name.")
    birthday: date | None = strawberry.field(description="Date of birth.")
    mobile_phone: str = strawberry.field(description="Mobile phone number.")
    home_phone: str = strawberry.field(description="Home phone number.")
    work_phone: str = strawberry.field(description="Work phone number.")
    home_address: str = strawberry.field(description="Postal address at home.")
    work_address: str = strawberry.field(description="Postal address at work.")
    job_title: str = strawberry.field(description="Job title.")


@strawberry.type(description="Automated forwarding of a user's incoming mail.")
class UserForwarding:
    allowed: bool = strawberry.field(
        description="An administrator lets the user forward its own mail."
    )
    keep_copy: bool = strawberry.field(
        description="Keep a copy of forwarded mail in the mailbox."
    )
    addresses: list[str] = strawberry.field(description="Where mail is forwarded.")


@strawberry.type(description="A user (mailbox) of a domain.")
class User:
    id: strawberry.Private[int]
    email: str = strawberry.field(description="The address, normalised.")
    domain: str = strawberry.field(description="Name of the user's domain.")
    display_name: str = strawberry.field(description="Name shown to others.")
    status: UserStatus = strawberry.field(description="Disabled users can't log in.")
    is_domain_admin: bool = strawberry.field(
        description="The user administers its domain."
    )
    is_primary_admin: bool = strawberry.field(
        description="The user is its domain's primary administrator."
    )
    auth_type: AuthType = strawberry.field(description="How the password is checked.")
    mailbox_size_mb: int = strawberry.field(
        description="Size limit of the mailbox in MB; 0 for no limit of its own."
    )
    disk_used_bytes: BigInt = strawberry.field(description="Disk space used, in bytes.")
    last_login_at: datetime | None = strawberry.field(
        description="When the user last logged in; null if never."
    )
    created_at: datetime = strawberry.field(description="When the user was created.")
    profile: UserProfile = strawberry.field(description="Profile fields.")
    forwarding: UserForwarding = strawberry.field(
        description="Automated forwarding; used only where the domain's features "
        "allow it."
    )
    # The settings type is built from the registry; the schema builder binds
    # this field's type before every build.
    settings: "UserSettings" = strawberry.field(  # noqa: F821
        description="Every user settings section, such as serviceAccess."
    )


def to_user(user: UserRow, domain: DomainRow, runtime: Runtime) -> User:
    forwarding = read_forwarding(user.forwarding)
    return User(
        id=user.id,
        email=f"{user.local_part}@{domain.name}",
        domain=domain.name,
        display_name=user.display_name,
        status=UserStatus(user.status),
        is_domain_admin=user.is_domain_admin,
        is_primary_admin=domain.primary_admin_id == user.id,
        auth_type=AuthType(user.auth_type),
        mailbox_size_mb=user.mailbox_size_mb,
        disk_used_bytes=user.disk_used_bytes,
        last_login_at=as_utc(user.last_login_at),
        created_at=as_utc(user.created_at),
        profile=UserProfile(
            title=user.title,
            full_name=user.full_name,
            birthday=user.birthday,
            mobile_phone=user.mobile_phone,
            home_phone=user.home_phone,
            work_phone=user.work_phone,
            home_address=user.home_address,
            work_address=user.work_address,
            job_title=user.job_title,
        ),
        forwarding=UserForwarding(
            allowed=forwarding.allowed,
            keep_copy=forwarding.keep_copy,
            addresses=list(forwarding.addresses),
        ),
        settings=SettingsView(runtime.registry, "user", user.settings),
    )


@strawberry.input(description="Changes to a profile; fields left out stay.")
class UserProfileInput:
    title: str | None = strawberry.field(default=UNSET, description="Form of address.")
    full_name: str | None = strawberry.field(default=UNSET, description="Full name.")
    birthday: date | None = strawberry.field(
        default=UNSET, description="Date of birth; null clears it."
    )
    mobile_phone: str | None = strawberry.field(
        default=UNSET, description="Mobile phone number."
    )
    home_phone: str | None = strawberry.field(
        default=UNSET, description="Home phone number."
    )
    work_phone: str | None = strawberry.field(
        default=UNSET, description="Work phone number."
    )
    home_address: str | None = strawberry.field(
        default=UNSET, description="Postal address at home."
    )
    work_address: str | None = strawberry.field(
        default=UNSET, description="Postal address at work."
    )
    job_title: str | None = strawberry.field(default=UNSET, description="Job title.")


@strawberry.input(description="Changes to automated forwarding; fields left out stay.")
class UserForwardingInput:
    allowed: bool | None = strawberry.field(
        default=UNSET, description="Let the user forward (administrators only)."
    )
    keep_copy: bool | None = strawberry.field(
        default=UNSET, description="Keep a copy of forwarded mail."
    )
    addresses: list[str] | None = strawberry.field(
        default=UNSET, description="The whole new list of forwarding addresses."
    )


def given_fields(value: Any) -> dict:
    """The fields of an input object that were given, UNSET ones left out.

    Text fields given as null in a profile become empty text.
    """
    if value is None or value is UNSET:
        return {}
    return {name: item for name, item in vars(value).items() if item is not UNSET}


def profile_changes(value: UserProfileInput | None) -> dict:
    return {
        name: "" if item is None and name != "birthday" else item
        for name, item in given_fields(value).items()
    }


def forwarding_changes(value: UserForwardingInput | None) -> dict:
    return {k: v for k, v in given_fields(value).items() if v is not None}


@strawberry.input(description="Narrows the user list.")
class UserFilterInput:
    search: str | None = strawberry.field(
        default=None, description="Part of the address or display name."
    )
    status: UserStatus | None = strawberry.field(
        default=None, description="Only this status."
    )
    is_domain_admin: bool | None = strawberry.field(
        default=None, description="Only domain administrators, or only the others."
    )


@strawberry.input(description="How the user list is sorted.")
class UserOrderInput:
    field: UserOrderField = strawberry.field(
        default=UserOrderField.EMAIL, description="The sort key."
    )
    descending: bool = strawberry.field(default=False, description="Largest first.")
