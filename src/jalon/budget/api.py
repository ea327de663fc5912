"""REST API of this domain (a ninja Router mounted at /api/v1/ by jalon.api.api)."""

from ninja import Router

router = Router(tags=["budget"])
