"""The API's one pagination: django-ninja's page numbers, bounded.

ninja's own PageNumberPagination takes any page number: page 10**20 turned into an OFFSET no
database can hold (SQLite: OverflowError; PostgreSQL: bigint out of range), a 500. Here a
page beyond MAX_PAGE is refused by the schema (a 422 the OpenAPI document shows), and a page
beyond the last one answers an empty list with the true count, as before.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 1000


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Numéro de page, à partir de 1.")
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE,
                                      description="Éléments par page (plafonné par l'opération).")
