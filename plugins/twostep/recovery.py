"""Recovery codes: ten one-time codes, shown once and stored hashed."""

from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, select

from plugins.twostep.codes import (
    clean_code,
    matches_salted,
    new_recovery_code,
    salted_hash,
)
from plugins.twostep.models import TwoStepRecoveryCode

RECOVERY_CODE_COUNT = 10


def replace_recovery_codes(session: Session, user_id: int) -> list[str]:
    """New codes for a user, the old ones gone; returns them, shown this once."""
    session.execute(
        delete(TwoStepRecoveryCode).where(TwoStepRecoveryCode.user_id == user_id)
    )
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(
        TwoStepRecoveryCode(user_id=user_id, code_hash=salted_hash(clean_code(code)))
        for code in codes
    )
    session.flush()
    return codes


def use_recovery_code(session: Session, user_id: int, code: str, now: datetime) -> bool:
    """Spend a matching unused code; False when none matches."""
    for row in _unused(session, user_id):
        if matches_salted(row.code_hash, code):
            row.used_at = now
            session.add(row)
            return True
    return False


def codes_left(session: Session, user_id: int) -> int:
    return session.execute(
        select(func.count(TwoStepRecoveryCode.id)).where(
            TwoStepRecoveryCode.user_id == user_id,
            TwoStepRecoveryCode.used_at.is_(None),
        )
    ).scalar_one()


def _unused(session: Session, user_id: int) -> list[TwoStepRecoveryCode]:
    return session.exec(
        select(TwoStepRecoveryCode).where(
            TwoStepRecoveryCode.user_id == user_id,
            TwoStepRecoveryCode.used_at.is_(None),
        )
    ).all()
