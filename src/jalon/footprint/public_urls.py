from django.http import Http404
from django.urls import path

app_name = "public"


def footprint(request, org_slug):  # type: ignore[no-untyped-def]
    raise Http404


urlpatterns = [path("", footprint, name="footprint")]
