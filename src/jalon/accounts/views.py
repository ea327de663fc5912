"""Sign-in (throttled), sign-out, password reset by e-mail, invitations."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from jalon.accounts import selectors, services, throttle
from jalon.accounts.forms import LoginForm, RegistrationForm, ResetPasswordForm, ResetRequestForm
from jalon.tenancy.client import client_ip


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Trop de tentatives de connexion. Réessayez dans %(n)d minute.",
        "Trop de tentatives de connexion. Réessayez dans %(n)d minutes.", minutes) % {"n": minutes}


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        self.checked = bool(username and request.POST.get("password"))
        # One password check is reserved before the password is read (atomic: parallel
        # attempts cannot all pass); refused before the check, so a right guess reveals nothing.
        wait = throttle.begin(username, client_ip(request)) if self.checked else 0
        if wait:
            form = self.form_class(request, initial={"username": username})
            response = self.render_to_response(self.get_context_data(
                form=form, throttled=wait_message(wait)))
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        if getattr(self, "checked", False):
            services.record_sign_in_failure(self.request.POST.get("username", ""))
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        throttle.succeeded(self.request.POST.get("username", ""), client_ip(self.request))
        response = super().form_valid(form)
        services.record_sign_in(form.get_user())
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            services.record_sign_out(request.user)
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = ResetRequestForm
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_reset(form.user)
        throttle.clear(form.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@never_cache
@csrf_protect
@sensitive_post_parameters("password1", "password2")
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: create an account, or join with the signed-in one."""
    pending = selectors.pending_invitation(token)
    if pending is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    context: dict[str, Any] = {"invitation": pending,
                               "login_url": reverse("accounts:login") + "?next="
                               + reverse("accounts:invitation", args=[token])}
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.accept_invitation(request.user, pending)
            except services.AccountError as error:
                messages.error(request, str(error))
                return redirect("home")
            messages.success(request, _("Vous avez rejoint %(name)s.")
                             % {"name": pending.organisation.name})
            return redirect("footprint:dashboard", pending.organisation.slug)
        return render(request, "accounts/invitation_accept.html", context)
    form = RegistrationForm(request.POST or None, email=pending.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_from_invitation(
                pending, data["username"], data["first_name"], data["last_name"],
                data["password1"])
        except services.AccountError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Bienvenue ! Vous avez rejoint %(name)s.")
                             % {"name": pending.organisation.name})
            return HttpResponseRedirect(reverse("footprint:dashboard",
                                                args=[pending.organisation.slug]))
    context["form"] = form
    return render(request, "accounts/invitation_register.html", context)
