"""Generic create, edit and delete pages for an organisation's objects.

A view decorated with `tenancy.scope.organisation_view` (which decides access) hands over a form
class, a queryset built from `request.organisation`, a function calling the service that writes
(and audits) with the valid form, the template and where to go next; these helpers do the rest,
the same way everywhere:

- GET shows the form (status 200); a valid POST calls the service, flashes `message` and
  redirects; an invalid POST shows the form again with its errors (status 400), and so does a
  ValidationError raised by the service (a rule only the service can check, such as a name
  already taken in the organisation): its messages go on the form's fields.
- The object is looked up in the queryset only: another organisation's object is a 404.
- An edit form gets its own copy of the object (`instance`), so that the service receives the
  object as stored and can tell what changed.
- Delete: GET asks for confirmation, POST calls the service and redirects.

`success_url`, `context` and `form_kwargs` are values, or functions of the object (for create:
of what the service returned) when they depend on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeAlias, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

M = TypeVar("M", bound=Model)
F = TypeVar("F", bound=forms.BaseForm)
T = TypeVar("T")
NOTHING: Mapping[str, Any] = MappingProxyType({})
OrFrom: TypeAlias = T | Callable[[Any], T]  # a value, or a function of the object giving it


def _resolve(value: OrFrom[T], obj: Any) -> T:
    return value(obj) if callable(value) else value


def _saved(form: forms.BaseForm, save: Callable[[], T]) -> tuple[bool, T | None]:
    """Run the service; a ValidationError it raises becomes errors of the form."""
    try:
        return True, save()
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return False, None


def _form_page(request: HttpRequest, form: forms.BaseForm, template: str,
               context: Mapping[str, Any]) -> HttpResponse:
    return render(request, template, {"form": form, **context},
                  status=400 if request.method == "POST" else 200)


def create(request: HttpRequest, form_class: type[F], *, service: Callable[[F], Any],
           success_url: OrFrom[str], message: str, template: str,
           context: Mapping[str, Any] = NOTHING,
           form_kwargs: Mapping[str, Any] = NOTHING) -> HttpResponse:
    """`service(form)` creates (from `form.cleaned_data`); `success_url` may be a function of
    what it returns."""
    form = form_class(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        ok, created = _saved(form, lambda: service(form))
        if ok:
            messages.success(request, message)
            return redirect(_resolve(success_url, created))
    return _form_page(request, form, template, context)


def edit(request: HttpRequest, queryset: QuerySet[M], pk: int, form_class: type[F], *,
         service: Callable[[M, F], Any], success_url: OrFrom[str], message: str, template: str,
         context: OrFrom[Mapping[str, Any]] = NOTHING,
         form_kwargs: OrFrom[Mapping[str, Any]] = NOTHING) -> HttpResponse:
    """`service(obj, form)` updates (from `form.cleaned_data`). A model form is bound to a copy
    of the object; any other form gets its initial values through `form_kwargs`."""
    obj = get_object_or_404(queryset, pk=pk)
    kwargs = dict(_resolve(form_kwargs, obj))
    if issubclass(form_class, forms.BaseModelForm):
        kwargs["instance"] = get_object_or_404(queryset, pk=pk)
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        ok, _ = _saved(form, lambda: service(obj, form))
        if ok:
            messages.success(request, message)
            return redirect(_resolve(success_url, obj))
    return _form_page(request, form, template, _resolve(context, obj))


def delete(request: HttpRequest, queryset: QuerySet[M], pk: int, *,
           service: Callable[[M], Any], success_url: OrFrom[str], message: str,
           template: str, context: OrFrom[Mapping[str, Any]] = NOTHING) -> HttpResponse:
    """GET asks for confirmation (the template gets `object` and `context`); POST calls
    `service(obj)` and redirects."""
    obj = get_object_or_404(queryset, pk=pk)
    if request.method == "POST":
        service(obj)
        messages.success(request, message)
        return redirect(_resolve(success_url, obj))
    return render(request, template, {"object": obj, **_resolve(context, obj)})


def confirm_withdrawal(request: HttpRequest, label: str, back: str) -> HttpResponse | None:
    """Withdrawing a publication takes public pages and open data offline for everyone who
    links to them: a POST asking to withdraw (`public` other than "1") first gets a page that
    says so and asks again; None once confirmed (or when publishing), for the caller to act."""
    if request.POST.get("public") == "1" or request.POST.get("confirm") == "1":
        return None
    fields = [(name, value) for name, value in request.POST.items()
              if name not in ("csrfmiddlewaretoken", "confirm")]
    return render(request, "kit/confirm_withdrawal.html", {
        "label": label, "action": request.path, "fields": fields, "back": back})
