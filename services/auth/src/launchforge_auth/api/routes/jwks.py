"""/.well-known/jwks.json: the public keys tokens are verified with."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import JSONResponse

from launchforge_auth.api.deps import KeySetDep, SettingsDep

router = APIRouter(tags=["keys"])


@router.get("/.well-known/jwks.json")
async def jwks(keys: KeySetDep, settings: SettingsDep) -> JSONResponse:
    return JSONResponse(
        keys.jwks(),
        headers={"Cache-Control": f"public, max-age={settings.jwks_max_age_seconds}"},
    )
