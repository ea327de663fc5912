"""Sign-in (throttled), sign-out, password reset by e-mail, invitations."""

from __future__ import annotations

import math
import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from jalon.accounts import otp, selectors, services, throttle
from jalon.accounts.forms import (
    CodeForm,
    LoginForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.client import client_ip


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Trop de tentatives de connexion. Réessayez dans %(n)d minute.",
        "Trop de tentatives de connexion. Réessayez dans %(n)d minutes.", minutes) % {"n": minutes}


def _single_organisation_landing(user: Any) -> str:
    """The dashboard of the user's only organisation, if they may read it and administer no
    operator (an operator's administrator sees every member organisation); '' otherwise."""
    if scope.administered_operators(user).exists():
        return ""
    organisations = list(scope.visible_organisations(user)[:2])
    if len(organisations) != 1:
        return ""
    access = scope.access_in(user, organisations[0])
    if access is None or Capability.READ not in access.capabilities:
        return ""
    return reverse("footprint:dashboard", args=[organisations[0].slug])


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        self.checked = bool(username and request.POST.get("password"))
        # One password check is reserved before the password is read (atomic: parallel
        # attempts cannot all pass); refused before the check, so a right guess reveals nothing.
        # A browser that signed in to this account before is counted apart (device cookie).
        self.device = throttle.device_of(request, username) if self.checked else None
        wait = throttle.begin(username, client_ip(request), self.device) if self.checked else 0
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

    def get_success_url(self) -> str:
        # Landing (issue 9): a member of one organisation, who administers no operator and was
        # not sent here from a page, goes straight to that organisation's dashboard rather than
        # to a home page showing one card.
        if not self.get_redirect_url():
            landing = _single_organisation_landing(self.request.user)
            if landing:
                return landing
        return super().get_success_url()

    def form_valid(self, form: Any) -> HttpResponse:
        throttle.succeeded(self.request.POST.get("username", ""), client_ip(self.request),
                           getattr(self, "device", None))
        user = form.get_user()
        if otp.has_device(user):
            # The password was right; the session opens once a code is given too.
            self.request.session[otp.PENDING] = {
                "user": user.pk, "backend": user.backend, "at": int(time.time()),
                "next": self.get_success_url()}
            return redirect("accounts:otp_verify")
        response = super().form_valid(form)
        services.record_sign_in(user)
        throttle.remember_device(response, user.get_username())
        return response


PENDING_SECONDS = 300


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    pending = request.session.get(otp.PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user is not None else None


@never_cache
@csrf_protect
@sensitive_post_parameters("code")
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Second step of the sign-in (or of a session that must be verified): a TOTP or backup
    code. Attempts are reserved in the sign-in throttle like passwords."""
    if request.user.is_authenticated:
        user, pending = request.user, {"next": reverse("home")}
    else:
        found = _pending_user(request)
        if found is None:
            messages.error(request, _("Saisissez d'abord votre identifiant et votre mot de "
                                      "passe."))
            return redirect("accounts:login")
        user, pending = found
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        device = throttle.device_of(request, user.get_username())
        wait = throttle.begin(user.get_username(), ip, device)
        if wait:
            form.add_error("code", wait_message(wait))
            status = 429
        elif (otp_device := otp.verify(user, form.cleaned_data["code"])) is None:
            services.record_second_factor_failure(user)
            form.add_error("code", _("Code incorrect ou expiré."))
            status = 400
        else:
            throttle.succeeded(user.get_username(), ip, device)
            response = HttpResponseRedirect(pending.get("next") or reverse("home"))
            if not request.user.is_authenticated:
                request.session.pop(otp.PENDING, None)
                login(request, user, backend=pending["backend"])
                services.record_sign_in(user, second_factor=True)
                throttle.remember_device(response, user.get_username())
            otp_login(request, otp_device)
            return response
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/otp_verify.html",
                  {"form": form, "required": request.GET.get("required") == "1"},
                  status=status)


@never_cache
@login_required
@csrf_protect
@sensitive_post_parameters("code")
def security(request: HttpRequest) -> HttpResponse:
    """The signed-in person's second factor: enrol (QR code, confirm with a code), backup
    codes (renew), remove (unless an organisation requires it)."""
    user = request.user
    form = CodeForm(request.POST or None)
    action = request.POST.get("action", "")
    codes: list[str] = []
    active = otp.confirmed_totp(user)
    status = 200
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if active is None and action == "enrol":
            device = otp.pending_totp(user)
            if device.verify_token("".join(code.split())):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = otp.new_backup_codes(user)
                otp_login(request, device)
                services.record_second_factor_change(user, "account.otp_enabled")
                active = device
            else:
                form.add_error("code", _("Code incorrect : vérifiez l'heure de votre "
                                         "téléphone et saisissez le code affiché maintenant."))
        elif active is not None and action in ("backup", "remove"):
            if otp.verify(user, code) is None:
                services.record_second_factor_failure(user)
                form.add_error("code", _("Code incorrect ou expiré."))
            elif action == "backup":
                codes = otp.new_backup_codes(user)
                services.record_second_factor_change(user, "account.otp_backup_renewed")
            elif otp.required(user):
                form.add_error("code", _("Une de vos organisations exige la double "
                                         "authentification de ses administrateurs : elle ne "
                                         "peut pas être retirée."))
            else:
                otp.remove_devices(user)
                services.record_second_factor_change(user, "account.otp_disabled")
                messages.success(request, _("Double authentification retirée."))
                return redirect("accounts:security")
        status = 400 if form.errors else 200
    elif request.method == "POST":
        status = 400
    context: dict[str, Any] = {"form": form, "active": active, "codes": codes,
                               "required": otp.required(user),
                               "backup_left": otp.backup_codes_left(user) if active else 0}
    if active is None:
        device = otp.pending_totp(user)
        context["qr"] = otp.qr_svg(device.config_url,
                                   _("Code QR à lire avec une application d'authentification"))
        context["secret"] = otp.base32_secret(device)
    return render(request, "accounts/security.html", context, status=status)


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
