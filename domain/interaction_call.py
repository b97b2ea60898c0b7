"""Commands of a connected call: answer, hold, resume, transfer, end.

Part of :class:`domain.interaction.Interaction`, which binds the ``_on_*``
appliers.  Durations are computed here from ``occurred_at`` and carried by
the events, so consumers never recompute them.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.errors import InvalidValue
from domain.interaction_record import InteractionRecord
from domain.interaction_values import InteractionStatus
from domain.validation import require_utc, seconds_between

_S = InteractionStatus


class CallHandling(InteractionRecord):
    def answer(self, agent_id: UUID, *, actor: str, occurred_at: datetime) -> None:
        self._require_call(_S.RINGING)
        self._on_call_answered(
            agent_id=agent_id,
            wait_seconds=seconds_between(self.started_at, require_utc(occurred_at)),
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_call_answered(
        self, *, agent_id: UUID, wait_seconds: float, actor: str, occurred_at: datetime
    ) -> None:
        self._status = _S.ANSWERED
        self.agent_id = agent_id
        self.answered_at = occurred_at
        self.wait_seconds = wait_seconds

    def hold(self, *, actor: str, occurred_at: datetime) -> None:
        self._require_call(_S.ANSWERED)
        self._on_call_held(actor=actor, occurred_at=occurred_at)

    def _on_call_held(self, *, actor: str, occurred_at: datetime) -> None:
        self._status = _S.ON_HOLD
        self.held_since = occurred_at

    def resume(self, *, actor: str, occurred_at: datetime) -> None:
        self._require_call(_S.ON_HOLD)
        self._on_call_resumed(
            held_seconds=self._current_hold(occurred_at),
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_call_resumed(self, *, held_seconds: float, actor: str, occurred_at: datetime) -> None:
        self._status = _S.ANSWERED
        self._add_hold(held_seconds)

    def transfer(self, to_agent_id: UUID, *, actor: str, occurred_at: datetime) -> None:
        """Hand the call to another agent; a transfer from hold ends the hold."""
        self._require_call(_S.ANSWERED, _S.ON_HOLD)
        if to_agent_id == self.agent_id:
            raise InvalidValue("call is already with this agent", field="to_agent_id")
        self._on_call_transferred(
            from_agent_id=self.agent_id,
            to_agent_id=to_agent_id,
            held_seconds=self._current_hold(occurred_at),
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_call_transferred(
        self,
        *,
        from_agent_id: UUID | None,
        to_agent_id: UUID,
        held_seconds: float,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self._status = _S.ANSWERED
        self.agent_id = to_agent_id
        self._add_hold(held_seconds)

    def end(self, *, actor: str, occurred_at: datetime) -> None:
        """Hang up a connected call (from either side)."""
        self._require_call(_S.ANSWERED, _S.ON_HOLD)
        assert self.answered_at is not None
        assert self.wait_seconds is not None
        self._on_call_ended(
            wait_seconds=self.wait_seconds,
            talk_seconds=seconds_between(self.answered_at, require_utc(occurred_at)),
            hold_seconds=self.hold_seconds + self._current_hold(occurred_at),
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_call_ended(
        self,
        *,
        wait_seconds: float,
        talk_seconds: float,
        hold_seconds: float,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self._status = _S.ENDED
        self.ended_at = occurred_at
        self.talk_seconds = talk_seconds
        self.hold_seconds = hold_seconds
        self.held_since = None

    def _current_hold(self, occurred_at: datetime) -> float:
        if self.held_since is None:
            return 0.0
        return seconds_between(self.held_since, require_utc(occurred_at))

    def _add_hold(self, held_seconds: float) -> None:
        self.hold_seconds += held_seconds
        self.held_since = None
