"""Dependency aliases shared by core's routes (chained: session -> service)."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated, Any

from fastapi import Depends, Request
from launchforge_common.db import get_session
from launchforge_common.errors import ForbiddenError, ServiceUnavailableError, UnauthorizedError
from launchforge_common.introspection import AuthUnavailableError, is_api_key
from launchforge_common.scopes import SCOPES, allows
from launchforge_common.tokens import InvalidTokenError, Principal, bearer_token
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.api.state import core_state
from launchforge_core.services.budgets import BudgetPolicy, BudgetService
from launchforge_core.services.builds import BuildService
from launchforge_core.services.projects import ProjectService
from launchforge_core.services.provider_keys import ProviderKeyService
from launchforge_core.services.quota import QuotaService
from launchforge_core.services.versions import VersionService

logger = logging.getLogger("launchforge.core.auth")

# scope="function": the session commits when the route returns, before the
# answer is sent (the default scope commits after, so a failed commit would
# follow a 2xx the client already has).
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_current_principal(request: Request) -> Principal:
    """The verified caller of this request, or 401 problem+json.

    ``Bearer lf_...`` is an API key, resolved by auth's introspection
    endpoint (auth down: 503, never a guess); anything else is a JWT checked
    against auth's JWKS. The token itself is never logged; only the reason
    it was refused.
    """
    token = bearer_token(request.headers.get("Authorization"))
    if token is None:
        raise UnauthorizedError("A bearer access token is required.")
    try:
        if is_api_key(token):
            try:
                return await core_state(request).introspector.introspect(token)
            except AuthUnavailableError as exc:
                logger.warning("API key introspection failed", extra={"reason": str(exc)})
                raise ServiceUnavailableError(
                    "API keys cannot be checked right now; retry shortly.",
                    headers={"Retry-After": "1"},
                ) from None
        return await core_state(request).verifier.verify(token)
    except InvalidTokenError as exc:
        logger.info("access token refused", extra={"reason": str(exc)})
        raise UnauthorizedError(
            "The access token is invalid or expired.",
            headers={"WWW-Authenticate": 'Bearer realm="launchforge", error="invalid_token"'},
        ) from None


CurrentPrincipal = Annotated[Principal, Depends(get_current_principal)]


async def get_owner_id(principal: CurrentPrincipal) -> uuid.UUID:
    """The caller's user id as a UUID (auth issues UUID subjects)."""
    try:
        return uuid.UUID(principal.user_id)
    except ValueError:
        logger.info("access token refused", extra={"reason": "subject is not a UUID"})
        raise UnauthorizedError(
            "The access token is invalid or expired.",
            headers={"WWW-Authenticate": 'Bearer realm="launchforge", error="invalid_token"'},
        ) from None


OwnerId = Annotated[uuid.UUID, Depends(get_owner_id)]


def require_scope(scope: str) -> Any:
    """A route dependency: 403 problem+json when an API key lacks ``scope``.

    Every ``/v1`` route of core declares one (a test checks it), so a key made
    for reading cannot delete or replace anything.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    async def check(principal: CurrentPrincipal) -> None:
        if not allows(principal, scope):
            raise ForbiddenError(f"This API key lacks the scope '{scope}'.")

    check.required_scope = scope  # type: ignore[attr-defined]
    return Depends(check)


async def get_project_service(request: Request, session: SessionDep) -> ProjectService:
    state = core_state(request)
    return ProjectService(session, state.project_reader, state.build_reader)


ProjectServiceDep = Annotated[ProjectService, Depends(get_project_service)]


async def get_provider_key_service(request: Request, session: SessionDep) -> ProviderKeyService:
    return ProviderKeyService(session, core_state(request).keyring)


ProviderKeyServiceDep = Annotated[ProviderKeyService, Depends(get_provider_key_service)]


async def get_quota_service(request: Request, session: SessionDep) -> QuotaService:
    return QuotaService(session, core_state(request).settings.plan_limits)


QuotaServiceDep = Annotated[QuotaService, Depends(get_quota_service)]


async def get_budget_service(request: Request, session: SessionDep) -> BudgetService:
    return BudgetService(session, BudgetPolicy.from_settings(core_state(request).settings))


BudgetServiceDep = Annotated[BudgetService, Depends(get_budget_service)]


async def get_build_service(
    request: Request,
    session: SessionDep,
    quota: QuotaServiceDep,
    keys: ProviderKeyServiceDep,
    budgets: BudgetServiceDep,
) -> BuildService:
    state = core_state(request)
    return BuildService(
        session,
        reader=state.build_reader,
        quota=quota,
        keys=keys,
        publisher=state.publisher(),
        store=state.artifact_store,
        budgets=budgets,
    )


BuildServiceDep = Annotated[BuildService, Depends(get_build_service)]


async def get_version_service(request: Request, session: SessionDep) -> VersionService:
    state = core_state(request)
    return VersionService(
        session,
        project_reader=state.project_reader,
        store=state.artifact_store,
        publisher=state.publisher(),
    )


VersionServiceDep = Annotated[VersionService, Depends(get_version_service)]
