"""Dependency aliases shared by core's routes (chained: session -> service)."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import Depends, Request
from launchforge_common.db import get_session
from launchforge_common.errors import UnauthorizedError
from launchforge_common.tokens import InvalidTokenError, JWKSVerifier, Principal, bearer_token
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.services.projects import ProjectService

logger = logging.getLogger("launchforge.core.auth")

SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_current_principal(request: Request) -> Principal:
    """The verified caller of this request, or 401 problem+json.

    The token itself is never logged; only the reason it was refused.
    """
    token = bearer_token(request.headers.get("Authorization"))
    if token is None:
        raise UnauthorizedError("A bearer access token is required.")
    verifier: JWKSVerifier = request.app.state.verifier
    try:
        return await verifier.verify(token)
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


async def get_project_service(request: Request, session: SessionDep) -> ProjectService:
    return ProjectService(session, request.app.state.project_reader)


ProjectServiceDep = Annotated[ProjectService, Depends(get_project_service)]
