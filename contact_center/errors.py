"""Errors of the application layer (the domain's own are in ``domain.errors``)."""

from __future__ import annotations


class ApplicationError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ApplicationError):
    def __init__(self, kind: str, ident: object) -> None:
        super().__init__(f"no {kind} with id {ident}")
        self.kind = kind


class VersionConflict(ApplicationError):
    def __init__(self, message: str, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class IdempotencyKeyReused(ApplicationError):
    """The same Idempotency-Key came with a different request."""


class AuditReadNotRecorded(ApplicationError):
    """The access log could not store an audit read, so the read is not answered."""
