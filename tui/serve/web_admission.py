"""Who may open an app process in `journal serve web`: the browser's address and the caps.

A browser tab costs an app process (≈45 MB) from the moment its websocket opens, long before
anyone has logged in. The book below counts, per client address, the open websockets and the
processes still at the login screen, and refuses what would pass a cap. No Textual, no aiohttp:
the server asks it, synchronously, so a check and its reservation cannot interleave.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import count

# websocket close codes (4000–4999 belong to the application); the page shows each one's words
CLOSE_SERVER_BUSY = 4001
CLOSE_ADDRESS_BUSY = 4002
CLOSE_TOO_MANY_TABS = 4003
CLOSE_LOGIN_TIMEOUT = 4004
CLOSE_APP_FAILED = 4005


@dataclass(frozen=True)
class WebLimits:
    """The caps of `journal serve web` (its flags); defaults fit a small school server."""

    max_pending: int = 16  # app processes at the login screen, all addresses together
    max_pending_per_address: int = 4  # of them from one address (a school's NAT shares one)
    max_connections_per_address: int = 20  # open tabs from one address, logged in or not
    login_grace: float = 120.0  # seconds an app may stay at the login screen


@dataclass(frozen=True)
class Refusal:
    code: int
    reason: str  # a short ASCII word for the close frame; the page words it in Russian


@dataclass(frozen=True)
class Ticket:
    """One admitted websocket: its number, the address it counts against."""

    number: int
    address: str
    key: str


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(peer: str | None, headers: Mapping[str, str]) -> str:
    """The browser's address: the peer's, or, when the peer is a proxy on loopback (the README's
    nginx), the address that proxy reports. A header from any other peer is the client's own
    word and is ignored. X-Real-IP (set by the proxy, replacing whatever a client sent) comes
    first; else the last X-Forwarded-For entry, the one the nearest proxy appended."""
    own = _parse(peer or "")
    if own is None:
        return peer or ""
    if own.is_loopback:
        reported = headers.get("X-Real-IP", "").strip()
        if not reported:
            reported = headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        forwarded = _parse(reported)
        if forwarded is not None:
            return str(forwarded)
    return str(own)


def cap_key(address: str) -> str:
    """What the per-address caps count against: the address, or an IPv6 client's /64 (one
    household or phone holds a whole /64 and could otherwise take a fresh address per tab)."""
    parsed = _parse(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return address


class AdmissionBook:
    """The open websockets and the app processes not yet logged in, per address."""

    def __init__(self, limits: WebLimits) -> None:
        self.limits = limits
        self._numbers = count(1)
        self._connections: Counter[str] = Counter()
        self._pending: Counter[str] = Counter()
        self._pending_tickets: set[int] = set()
        self._open_tickets: set[int] = set()

    @property
    def pending(self) -> int:
        return len(self._pending_tickets)

    def connections_from(self, address: str) -> int:
        return self._connections[cap_key(address)]

    def pending_from(self, address: str) -> int:
        return self._pending[cap_key(address)]

    def admit(self, address: str) -> Ticket | Refusal:
        """Reserve a websocket and a login-screen process for this address, or say why not."""
        key = cap_key(address)
        limits = self.limits
        if self._connections[key] >= limits.max_connections_per_address:
            return Refusal(CLOSE_TOO_MANY_TABS, "too-many-tabs")
        if self._pending[key] >= limits.max_pending_per_address:
            return Refusal(CLOSE_ADDRESS_BUSY, "address-busy")
        if self.pending >= limits.max_pending:
            return Refusal(CLOSE_SERVER_BUSY, "server-busy")
        ticket = Ticket(next(self._numbers), address, key)
        self._connections[key] += 1
        self._pending[key] += 1
        self._pending_tickets.add(ticket.number)
        self._open_tickets.add(ticket.number)
        return ticket

    def logged_in(self, ticket: Ticket) -> None:
        """The app behind this ticket passed its login screen: it no longer counts as pending."""
        if ticket.number in self._pending_tickets:
            self._pending_tickets.discard(ticket.number)
            self._drop(self._pending, ticket.key)

    def release(self, ticket: Ticket) -> None:
        """The websocket closed and its app process is gone."""
        self.logged_in(ticket)
        if ticket.number in self._open_tickets:
            self._open_tickets.discard(ticket.number)
            self._drop(self._connections, ticket.key)

    @staticmethod
    def _drop(counter: Counter[str], key: str) -> None:
        counter[key] -= 1
        if counter[key] <= 0:
            del counter[key]
