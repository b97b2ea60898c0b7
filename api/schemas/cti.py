"""The CTI webhook's request body: Zammad's generic CTI fields, as JSON or form data."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contact_center.cti_events import Cause, CtiEvent, CtiEventKind
from domain.errors import InvalidValue
from domain.interaction_values import Direction
from domain.validation import require_storable

DIRECTIONS = {"in": Direction.INBOUND, "out": Direction.OUTBOUND}
UserName = Annotated[str, Field(max_length=200)]


class CtiEventIn(BaseModel):
    """One call event. Unknown fields are ignored: telephony systems send more than this."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    event: CtiEventKind
    from_number: str = Field(alias="from", max_length=100,
                             description="caller: 493055571600, 02214710334, anonymous")
    to: str = Field(max_length=100, description="the number called")
    direction: Literal["in", "out"]
    call_id: str = Field(alias="callId", min_length=1, max_length=250,
                         description="unique per call; every event of the call repeats it")
    user: list[UserName] = Field(default_factory=list, max_length=50,
                            description="agents' display names or logins (a string or a list)")
    queue: str | None = Field(default=None, max_length=200, description="an agent team")
    answering_number: str | None = Field(default=None, alias="answeringNumber", max_length=200,
                                         description="extension or phone, login, or agent id")
    cause: Cause | None = Field(default=None, description="why a hangup happened")

    @field_validator("user", mode="before")
    @classmethod
    def one_or_many(cls, value: Any) -> Any:
        if value is None:
            return []
        return [value] if isinstance(value, str) else value

    @field_validator("call_id")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("queue", "answering_number", "cause", mode="before")
    @classmethod
    def blank_is_absent(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("*", mode="after")
    @classmethod
    def storable(cls, value: Any) -> Any:
        """No field holds what no event may hold (a NUL: PostgreSQL cannot store it, and the
        ring's claim on its call is stored before any event is made)."""
        try:
            require_storable(value, "")
        except InvalidValue as exc:
            raise ValueError("must not contain NUL characters or unpaired surrogates") from exc
        return value

    def to_event(self) -> CtiEvent:
        return CtiEvent(
            kind=self.event, from_number=self.from_number, to_number=self.to,
            direction=DIRECTIONS[self.direction], call_id=self.call_id,
            users=tuple(u.strip() for u in self.user if u.strip()), queue=self.queue,
            answering_number=self.answering_number, cause=self.cause)
