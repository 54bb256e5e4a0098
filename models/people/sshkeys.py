"""Public keys for logging in over `journal serve ssh` (issue 9).

A staff member registers the public half of their own key (the one line of
`~/.ssh/id_ed25519.pub`); an administrator may manage anyone's. Pupils and guardians log in
with their password only. Adding and removing a key are audited; logging in with a key is
recorded as a login event like a password login, and goes through the same account checks
(disabled, locked, a password change pending).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import struct
from dataclasses import dataclass

from models.core import audit
from models.core.access import STAFF_ROLES, Actor, account_named, actor_of, deny, in_school_of, require_staff
from models.core.errors import AuthenticationError, ValidationError
from models.core.lookup import get_or_refuse
from models.core.schema import LoginEvent, SshKey, User, now
from models.core.service import reading, service
from models.people.accounts import FAILED, LOCKED, LoginResult

MAX_KEYS_PER_USER = 10
MIN_RSA_BITS = 2048
ALGORITHMS = (
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-rsa",
)
NOT_A_KEY = (
    "Это не открытый ключ SSH. Вставьте одну строку из файла ~/.ssh/id_ed25519.pub "
    "(она начинается с ssh-ed25519, ecdsa-sha2-… или ssh-rsa)."
)


@dataclass(frozen=True)
class ParsedKey:
    algorithm: str
    key_data: str  # base64, as written in the .pub file
    fingerprint: str  # SHA256:…, the same as `ssh-keygen -l -f key.pub` prints
    comment: str


@dataclass(frozen=True)
class SshKeyInfo:
    id: int
    user_id: int
    login: str
    algorithm: str
    fingerprint: str
    comment: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


def fingerprint_of(blob: bytes) -> str:
    """OpenSSH's SHA256 fingerprint of a key blob (asyncssh's get_fingerprint() agrees)."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def _ssh_strings(blob: bytes) -> list[bytes]:
    """The length-prefixed fields of a key blob (RFC 4253 section 6.6)."""
    fields, at = [], 0
    while at < len(blob):
        if at + 4 > len(blob):
            raise ValueError("truncated")
        (size,) = struct.unpack(">I", blob[at : at + 4])
        at += 4
        if at + size > len(blob):
            raise ValueError("truncated")
        fields.append(blob[at : at + size])
        at += size
    return fields


def parse_public_key(text: str) -> ParsedKey:
    """One line of a .pub file → its parts, or a ValidationError saying what is wrong."""
    text = (text or "").strip()
    if "PRIVATE KEY" in text:
        raise ValidationError(
            "Это закрытый ключ: его нельзя никому показывать. Вставьте открытый ключ — "
            "строку из файла с окончанием .pub."
        )
    if not text:
        raise ValidationError("Вставьте открытый ключ SSH.")
    if "\n" in text:
        raise ValidationError("Вставьте один ключ — одну строку.")
    parts = text.split(maxsplit=2)
    if len(parts) < 2 or parts[0] not in ALGORITHMS:
        raise ValidationError(NOT_A_KEY)
    algorithm, data = parts[0], parts[1]
    try:
        blob = base64.b64decode(data, validate=True)
        fields = _ssh_strings(blob)
    except (binascii.Error, ValueError):
        raise ValidationError(NOT_A_KEY) from None
    if not fields or fields[0].decode("ascii", "replace") != algorithm:
        raise ValidationError(NOT_A_KEY)
    if algorithm == "ssh-rsa":
        modulus = fields[2].lstrip(b"\0") if len(fields) > 2 else b""
        if len(modulus) * 8 < MIN_RSA_BITS:
            raise ValidationError(
                f"Ключ RSA короче {MIN_RSA_BITS} бит ненадёжен: создайте ключ командой ssh-keygen -t ed25519."
            )
    comment = parts[2].strip()[:100] if len(parts) > 2 else ""
    return ParsedKey(algorithm, data, fingerprint_of(blob), comment)


def _info(key: SshKey, login: str) -> SshKeyInfo:
    return SshKeyInfo(
        id=key.id,
        user_id=key.user_id,
        login=login,
        algorithm=key.algorithm,
        fingerprint=key.fingerprint,
        comment=key.comment,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
    )


def _require_key_manager(actor: Actor, user_id: int) -> None:
    """One's own keys; an administrator anyone's. Pupils and guardians: none."""
    require_staff(actor)
    if user_id != actor.user_id and not actor.is_admin:
        raise deny("Ключи SSH можно менять только в своей учётной записи.")


@service
def add_ssh_key(actor: Actor, public_key_text: str, user_id: int | None = None) -> SshKeyInfo:
    """Register a public key for the actor (or, for an admin, for `user_id`)."""
    target = actor.user_id if user_id is None else user_id
    _require_key_manager(actor, target)
    user = get_or_refuse(User, target)
    if user.role not in STAFF_ROLES:
        raise ValidationError("Вход по ключу SSH есть только у сотрудников.")
    parsed = parse_public_key(public_key_text)
    keys = SshKey.select().where(SshKey.user == target)
    if keys.where(SshKey.fingerprint == parsed.fingerprint).exists():
        raise ValidationError("Этот ключ уже добавлен.")
    if keys.count() >= MAX_KEYS_PER_USER:
        raise ValidationError(f"У одной учётной записи не больше {MAX_KEYS_PER_USER} ключей.")
    key = SshKey.create(
        user=target,
        algorithm=parsed.algorithm,
        key_data=parsed.key_data,
        fingerprint=parsed.fingerprint,
        comment=parsed.comment,
    )
    audit.record(
        actor,
        "ssh_key.add",
        "ssh_key",
        key.id,
        new={"user": user.login, "fingerprint": parsed.fingerprint, "comment": parsed.comment},
    )
    return _info(key, user.login)


@service
def remove_ssh_key(actor: Actor, key_id: int) -> None:
    require_staff(actor)
    key = get_or_refuse(SshKey, key_id)
    _require_key_manager(actor, key.user_id)
    login = User.get_by_id(key.user_id).login
    key.delete_instance()
    audit.record(
        actor,
        "ssh_key.remove",
        "ssh_key",
        key_id,
        old={"user": login, "fingerprint": key.fingerprint, "comment": key.comment},
    )


@service  # as accounts.list_users: checked like a write, writes nothing
def list_ssh_keys(actor: Actor, user_id: int | None = None) -> list[SshKeyInfo]:
    """The keys of the actor (or, for an admin, of `user_id`), oldest first."""
    target = actor.user_id if user_id is None else user_id
    _require_key_manager(actor, target)
    user = get_or_refuse(User, target)
    keys = SshKey.select().where(SshKey.user == target).order_by(SshKey.id)
    return [_info(key, user.login) for key in keys]


# --- logging in with a key (the SSH server; the signature is checked by the server) ---------


def _usable_key(login: str, fingerprint: str, at: dt.datetime) -> tuple[User, SshKey] | str:
    """The account and its key if this key may log in now, else the refusal message."""
    user = account_named(login.strip().lower())
    if user is None or not user.active or user.role not in STAFF_ROLES:
        return FAILED
    if user.locked_until and user.locked_until > at:
        return LOCKED
    if user.must_change_password:
        return FAILED  # the forced change needs the password: the client falls back to it
    with in_school_of(user):
        key = SshKey.get_or_none((SshKey.user == user.id) & (SshKey.fingerprint == fingerprint))
    if key is None:
        return FAILED
    return user, key


@reading
def key_may_log_in(login: str, fingerprint: str) -> bool:
    """Whether `login` may log in with the key of this fingerprint (nothing is written).

    A client offers every key it has; a key that is not registered is no guess at a
    password, so it is neither counted nor logged.
    """
    return not isinstance(_usable_key(login, fingerprint, now()), str)


@service
def log_in_with_key(login: str, fingerprint: str, source: str = "") -> LoginResult:
    """After the server verified the key's signature: the login, recorded like a password one."""
    at = now()
    found = _usable_key(login, fingerprint, at)
    if isinstance(found, str):
        raise AuthenticationError(found)
    user, key = found
    with in_school_of(user):
        User.update(last_login_at=at, last_login_source=source).where(User.id == user.id).execute()
        SshKey.update(last_used_at=at).where(SshKey.id == key.id).execute()
        LoginEvent.insert(
            login=user.login, user=user.id, success=True, reason="ssh-key", source=source
        ).execute()
    return LoginResult(
        actor=actor_of(user, source),
        must_change_password=False,
        previous_login_at=user.last_login_at,
        previous_source=user.last_login_source,
    )
