"""Wiring of who may do what: users, sign-in, access and agent tokens, and the secrets they derive."""

from __future__ import annotations

import hashlib
import hmac

from adapters.clock import Clock, SystemClock
from adapters.data_keys import DataKeyStore
from adapters.services.stack import Endpoints
from adapters.user_store import PostgresUserStore
from contact_center.access_tokens import AccessTokens
from contact_center.agent_tokens import AgentTokens, AgentTokenService
from contact_center.agents import AgentService
from contact_center.passwords import Passwords
from contact_center.settings import Settings
from contact_center.sign_in import SignIn
from contact_center.users import UserService


def derived_key(keys: DataKeyStore, purpose: bytes) -> bytes:
    """A secret for one purpose, derived from the current master key."""
    return hmac.new(keys.keyring.current, purpose, hashlib.sha256).digest()


def agent_token_service(settings: Settings, keys: DataKeyStore, clock: Clock,
                        agents: AgentService) -> AgentTokenService:
    configured = settings.agent_token_secret
    # Derived from the master key: rotating that key ends every agent token (they are short-lived).
    secret = (derived_key(keys, b"agent-tokens") if configured is None
              else configured.get_secret_value().encode())
    return AgentTokenService(AgentTokens(secret, clock, settings.agent_token_ttl_seconds), agents)


def user_services(settings: Settings, endpoints: Endpoints, keys: DataKeyStore, clock: Clock,
                  agent_tokens: AgentTokens, agents: AgentService) -> tuple[UserService, SignIn]:
    store = PostgresUserStore(endpoints.database_url, settings.db_schema)
    store.create_tables()
    passwords = Passwords(settings.password_hash_time_cost, settings.password_hash_memory_kib)
    configured = settings.access_token_secret
    # Derived from the master key: rotating that key signs everyone out (tokens are short-lived).
    secret = (derived_key(keys, b"access-tokens") if configured is None
              else configured.get_secret_value().encode())
    # Tokens and login failures run on the wall clock, whatever clock the business runs on.
    wall = SystemClock()
    tokens = AccessTokens(secret, wall, settings.access_token_ttl_seconds)
    return (UserService(store, passwords, agents, clock),
            SignIn(store, passwords, tokens, agent_tokens, wall, max_failures=settings.login_max_failures,
                   window_seconds=settings.login_failure_window_seconds))
