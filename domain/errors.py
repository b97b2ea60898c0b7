"""Domain errors: every rule an aggregate enforces raises one of these.

The API maps them to RFC 9457 problems, so each carries a human-readable
``message`` and, where one argument is to blame, the ``field`` it came from.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class of every error raised by ``domain``."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidValue(DomainError):
    """An argument is malformed or out of range (blank name, score 7, naive time)."""


class InvalidIdentity(InvalidValue):
    """A phone number, e-mail address, handle or external id is not valid."""


class InvalidTransition(DomainError):
    """The command is not allowed in the aggregate's current state."""


class AlreadyPresent(DomainError):
    """Adding or linking something that is already there."""


class NotPresent(DomainError):
    """Removing or releasing something that is not there."""


class IdentityAlreadyPresent(AlreadyPresent):
    """The customer already has this identity."""


class IdentityNotPresent(NotPresent):
    """The customer does not have this identity."""


class ConsentMissing(DomainError):
    """A contact needs consent the customer has not granted."""


class MergeNotAllowed(DomainError):
    """A merge or unmerge would break the merge rules (self-merge, merged twice)."""


class CustomerInactive(InvalidTransition):
    """The customer was merged into another or erased; it takes no more writes."""


class AgentInactive(InvalidTransition):
    """The agent was deactivated; it takes no more writes."""
