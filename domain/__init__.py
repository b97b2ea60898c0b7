"""Switchboard's pure domain: aggregates, their events, and domain errors.

Imports only the standard library and ``eventsourcing``; time and ids come in
as arguments.  Start with ``domain.events`` (the event contract) and
``domain.errors``.  Each aggregate has a module (``customer``, ``interaction``,
``case``, ``agent``) that binds its events, a ``*_events`` module with the
event payloads, and part modules holding its commands and value types.
"""
