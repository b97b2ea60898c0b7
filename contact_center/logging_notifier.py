"""A :class:`~contact_center.call_notifications.CallNotifier` that only logs.

For deployments without agent desktops (a telephony system feeding the caller history and
statistics only): each notification becomes one INFO line on ``switchboard.cti``, naming
the call, the interaction and how many agents it concerns, never the caller's number.
"""

from __future__ import annotations

import logging

from contact_center.call_notifications import CallEnded, CallOffered, CallTaken

log = logging.getLogger("switchboard.cti")


class LoggingCallNotifier:
    def offered(self, event: CallOffered) -> None:
        log.info("call %s (interaction %s) offered to %d agents; caller match %s, %d customers",
                 event.call_id, event.interaction_id, len(event.agent_ids), event.match,
                 len(event.customer_ids))

    def taken(self, event: CallTaken) -> None:
        log.info("call %s (interaction %s) taken by agent %s; withdrawn from %d others",
                 event.call_id, event.interaction_id, event.agent_id, len(event.other_agent_ids))

    def ended(self, event: CallEnded) -> None:
        log.info("call %s (interaction %s) %s; %d agents told", event.call_id,
                 event.interaction_id, event.outcome, len(event.agent_ids))
