"""``?limit=&cursor=``: the one definition of the list routes' paging parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from launchforge_core.services.pagination import MAX_CURSOR_LENGTH

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True)
class PageParams:
    """A page request: how many items, and the opaque cursor of the previous page's end."""

    limit: int
    cursor: str | None


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


Page = Annotated[PageParams, Depends(page_params)]
