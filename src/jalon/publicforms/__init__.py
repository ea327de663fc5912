"""Anonymous public writes: the one component behind every public form without sign-in
(feedback on a service, citizen reports, data-subject requests, contesting a decision).

A domain exposes a form under /p/<org_slug>/... with `PublicForm`::

    # in the domain's public_urls.py
    feedback = PublicForm(domain="voice", form_class=FeedbackForm, service=services.receive,
                          action="voice.feedback_received", title=_("Donner votre avis"))
    app_name = "voice_public"
    urlpatterns = feedback.urls("avis/", name="feedback")   # …/avis/ and …/avis/merci/

`service(organisation, cleaned_data, submission) -> object` stores what the domain keeps; the
component calls it inside one transaction with the audit event (actor None, the submitted data
under `details["personal"]`) and the throttling counter. Around it the component provides: the
organisation through `tenancy.scope.public_organisation(slug, domain)` (404 unless the domain is
published), throttling per client address and per organisation (429, counters in the database,
addresses stored only as a salted hash), a honeypot, size limits (413), no cookie at all (CSRF
protection by a same-origin check, see `views.same_origin`), errors in French next to the
fields, and a thank-you page after a 303 redirect.

Personal data: everything a submission stores must be declared through `jalon.privacy` by the
domain, in its `AppConfig.ready()`:

    privacy.register(Feedback, fields=("email", "name", "message"), subject="email",
                     retention=timedelta(days=365), date_field="received_at", purpose=...)
    privacy.register_audit(("voice.feedback_received",), subject="email",
                           retention=timedelta(days=365), purpose=...)

The audit declaration is checked: `PublicForm.urls()` refuses an action that no
`register_audit` declares. `submission.address_hash` is personal data too: declare it with the
model if the domain stores it. The component's own counters are declared in `apps.py`.

The form class should mix in the shared `Accessible` mixin (errors tied to their field).
"""
