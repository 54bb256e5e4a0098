"""Password hashing (argon2id through argon2-cffi) and readable one-time passwords."""

from __future__ import annotations

import ctypes
import ctypes.util
import secrets
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from models.core.errors import ValidationError
from models.core.settings import Settings

# No look-alikes: no 0/O/o, 1/l/I, 5/S, 2/Z, 8/B, and no Cyrillic-twin letters that a parent
# may type in the wrong layout (a, c, e, k, m, p, x, y …): digits and a few safe letters.
READABLE_LETTERS = "dfghjnqrtuvw"
READABLE_DIGITS = "34679"


def _give_hash_memory_back() -> None:
    """Let each argon2 hash's memory (tens of MiB) go back to the system when it is freed.

    glibc raises its mmap threshold after the first large free, so later hashes, above all
    those run in a worker thread, come from an arena that keeps the memory: ≈ 19 MiB stayed
    resident per session after logging in. A fixed threshold keeps them mmap'd and returned.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, 1 << 20)
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass


M_MMAP_THRESHOLD = -3
_give_hash_memory_back()


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID)


def hasher(settings: Settings) -> PasswordHasher:
    return _hasher(settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)


def hash_password(password: str, settings: Settings) -> str:
    return hasher(settings).hash(password)


def verify(stored_hash: str | None, password: str, settings: Settings) -> bool:
    """True when the password matches; an account without a hash costs the same work."""
    ph = hasher(settings)
    if not stored_hash:
        try:  # the same work as a real check, and never a match
            ph.verify(_dummy_hash(settings), password + "\x00never")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            pass
        return False
    try:
        return ph.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=8)
def _dummy_hash_for(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash(secrets.token_hex(16))


def _dummy_hash(settings: Settings) -> str:
    return _dummy_hash_for(settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)


def burn_time(settings: Settings) -> None:
    """Spend one verification's work for an unknown login, so timing does not tell."""
    verify(None, "x", settings)


def needs_rehash(stored_hash: str | None, settings: Settings) -> bool:
    if not stored_hash:
        return True
    try:
        return hasher(settings).check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return True


def generate_password(groups: int = 3) -> str:
    """A one-time password a parent can read off a slip: "rq4t-7twh-h9dq" (17¹² ≈ 2⁴⁹)."""
    alphabet = READABLE_LETTERS + READABLE_DIGITS
    parts = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(groups)]
    return "-".join(parts)


def check_new_password(password: str, login: str) -> None:
    if len(password) < 8:
        raise ValidationError("Пароль должен быть не короче 8 символов.")
    if password.strip().lower() == login.strip().lower():
        raise ValidationError("Пароль не должен совпадать с логином.")
    if password != password.strip():
        raise ValidationError("Пароль не должен начинаться или кончаться пробелом.")
