"""/v1/provider-keys: a user's own LLM keys. Keys go in; only the last four come out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status
from launchforge_common.errors import BadRequestError
from launchforge_common.openapi import problem_responses

from launchforge_core.api.deps import (
    OwnerId,
    ProviderKeyServiceDep,
    get_current_principal,
    require_scope,
)
from launchforge_core.schemas.builds import (
    LLMProvider,
    ProviderKeyList,
    ProviderKeyPublic,
    ProviderKeyPut,
)

router = APIRouter(
    prefix="/v1/provider-keys",
    tags=["provider-keys"],
    dependencies=[Depends(get_current_principal)],
    responses=problem_responses(401, 403),
)

ProviderPath = Annotated[LLMProvider, Path()]


@router.put(
    "/{provider}",
    dependencies=[require_scope("provider-keys:write")],
    responses=problem_responses(400),
)
async def put_provider_key(
    provider: ProviderPath, body: ProviderKeyPut, owner_id: OwnerId, service: ProviderKeyServiceDep
) -> ProviderKeyPublic:
    if provider == "openai_compatible" and body.base_url is None:
        raise BadRequestError(
            "openai_compatible needs a base_url (e.g. http://localhost:11434/v1).",
            title="base_url required",
        )
    chosen = body.response_format
    if chosen is not None and chosen != "auto" and provider != "openai_compatible":
        raise BadRequestError(
            f"response_format is chosen only for openai_compatible; {provider} has its own.",
            title="response_format not applicable",
        )
    row = await service.put(
        user_id=owner_id,
        provider=provider,
        api_key=body.api_key,
        base_url=str(body.base_url) if body.base_url is not None else None,
        response_format=None if chosen == "auto" else chosen,
    )
    return ProviderKeyPublic.model_validate(row)


@router.get("", dependencies=[require_scope("provider-keys:read")])
async def list_provider_keys(owner_id: OwnerId, service: ProviderKeyServiceDep) -> ProviderKeyList:
    rows = await service.list(user_id=owner_id)
    return ProviderKeyList(items=[ProviderKeyPublic.model_validate(r) for r in rows])


@router.delete(
    "/{provider}",
    dependencies=[require_scope("provider-keys:write")],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
)
async def delete_provider_key(
    provider: ProviderPath, owner_id: OwnerId, service: ProviderKeyServiceDep
) -> Response:
    await service.delete(user_id=owner_id, provider=provider)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
