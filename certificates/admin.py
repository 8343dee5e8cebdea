"""Admin pages of certificate templates and of the certificates issued.

Templates are the administrators' (the only role with permissions on them): the
HTML and CSS are edited in large monospace boxes beside a live preview on sample
data, and a template that cannot render cannot be saved. Certificates are a
register: nobody adds, changes or deletes one here; administrators revoke them,
with a reason, and download a year's register; HR officers see those of the
people of their scope, as in the API.
"""

import logging
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import audit
from accounts.admin import AccessibleAdminMixin, ServiceCheckedForm
from accounts.roles import Role
from accounts.scope import users_in_scope
from certificates import codes, design, register, services
from certificates.access import pdf_url
from certificates.models import Certificate, CertificateTemplate
from certificates.views import PRINTED_FIELDS

logger = logging.getLogger(__name__)

# What a template prints about its issuer: the preview shows what is typed in them, before saving.
ISSUER_FIELDS = ["issuer_parent", "issuer", "signer_title", "signer_name"]
# Placeholders a template may use besides the sample's fields: the images served to it.
IMAGE_PLACEHOLDERS = ["qr", "seal", "signature"]
FRAME_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'self'"


def render_preview(*, html: str, css: str, template: CertificateTemplate) -> tuple[bytes | None, str]:
    """(the PDF, "") of a template on sample data, or (None, why it cannot be rendered) for its author."""
    try:
        return services.preview(html=html, css=css, template=template), ""
    except design.TemplateError as error:
        return None, str(error)
    except Exception as error:  # a filter or tag failing on the sample data: still the template's fault
        logger.info("Certificate template preview failed", exc_info=True)
        return None, gettext("The template cannot be rendered: %(error)s") % {"error": error}


def framed(response: HttpResponse, csp: str) -> HttpResponse:
    """Let the admin's own page (and only it) show this response in its preview frame."""
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Content-Security-Policy"] = csp
    response["Cache-Control"] = "private, no-store"
    return response


class CodeTextarea(forms.Textarea):
    """A large monospace box for HTML or CSS: no spell checking, no automatic capitals."""

    def __init__(self, attrs=None):
        super().__init__({"class": "certificate-code", "rows": 24, "spellcheck": "false", "autocapitalize": "off",
                          "autocomplete": "off", "wrap": "off", **(attrs or {})})


class TemplateForm(ServiceCheckedForm):
    class Meta:
        model = CertificateTemplate
        fields = ["name", "is_default", "issuer_parent", "issuer", "register", "signer_title", "signer_name", "seal",
                  "signature", "html", "css"]
        widgets = {"html": CodeTextarea, "css": CodeTextarea}

    def _get_validation_exclusions(self):
        # Making this template the default takes the mark off the previous one (TemplateAdmin.save_model).
        exclusions = super()._get_validation_exclusions()
        exclusions.add("is_default")
        return exclusions

    def check(self, template):
        """Render once on the sample data: a template that cannot make a certificate is not saved."""
        issuer = CertificateTemplate(**{name: getattr(template, name) for name in ISSUER_FIELDS})
        _pdf, error = render_preview(html=template.html, css=template.css, template=issuer)
        if error:
            raise ValidationError({"html": error})


@admin.register(CertificateTemplate)
class TemplateAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    """Administrators only (no other role has a permission on templates): design, issuer, signer, live preview."""

    form = TemplateForm
    change_form_template = "certificates/admin/template_change_form.html"
    save_on_top = True  # Enter in a field saves, as everywhere in the admin, rather than refreshing the preview
    list_display = ["name", "issuer", "register", "signer_name", "is_default", "updated_at"]
    search_fields = ["name", "issuer", "signer_name"]
    fieldsets = [
        (None, {"fields": ["name", "is_default"]}),
        (_("Issuer and signer"), {"fields": ["issuer_parent", "issuer", "register", "signer_title", "signer_name",
                                             "seal", "signature"]}),
        (_("Design"), {"classes": ["certificate-design"], "fields": ["html", "css"]}),
    ]

    class Media:  # replaces AccessibleAdminMixin's: its files first
        css = {"all": ["accounts/admin-fixes.css", "certificates/admin.css"]}
        js = ["accounts/admin-fixes.js", "certificates/template_admin.js"]

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", preview, name="certificates_certificatetemplate_preview"),
            path("<path:object_id>/preview/", preview, name="certificates_certificatetemplate_preview"),
            *super().get_urls(),
        ]

    def get_changeform_initial_data(self, request):
        """A new template starts from the default design, so that an administrator edits rather than writes."""
        return {
            "html": design.default_html(), "css": design.default_css(),
            **super().get_changeform_initial_data(request),
        }

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or not request.GET.get("from_default") or "html" not in form.base_fields:
            return form

        class FromDefault(form):
            """An empty design means the default one; "start from the default design" puts it in the boxes."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, default in (("html", design.default_html), ("css", design.default_css)):
                    if not getattr(self.instance, name):
                        self.initial[name] = default()

        return FromDefault

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if add:
            preview_url = reverse("admin:certificates_certificatetemplate_preview")
        else:
            preview_url = reverse("admin:certificates_certificatetemplate_preview", args=[obj.pk])
        context.update({
            "preview_url": preview_url,
            "design_is_default": obj is not None and not (obj.html or obj.css),
            "placeholders": sorted([*design.sample_context(), *IMAGE_PLACEHOLDERS, "issued_on"]),
        })
        return super().render_change_form(request, context, add, change, form_url, obj)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if obj.is_default:
            CertificateTemplate.objects.filter(is_default=True).exclude(pk=obj.pk).update(is_default=False)
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, action="certificates.template_saved", target=obj,
                     changes={"fields": form.changed_data})

    def preview_view(self, request, object_id=None):
        """The PDF of the template as typed (HTML, CSS, issuer and signer), on sample data; not saved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            template = CertificateTemplate()
        else:
            template = self.get_object(request, unquote(object_id))
            if template is None:
                raise Http404
            if not self.has_change_permission(request, template):
                raise PermissionDenied
        for name in ISSUER_FIELDS:
            if name in request.POST:
                setattr(template, name, request.POST[name].strip())
        pdf, error = render_preview(html=request.POST.get("html", ""), css=request.POST.get("css", ""),
                                    template=template)
        if error:
            page = TemplateResponse(request, "certificates/admin/preview_error.html", {"error": error}, status=400)
            return framed(page, FRAME_CSP)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="preview.pdf"'
        # The PDF is shown by the browser's viewer, which the page's policy must not restrict.
        return framed(response, "frame-ancestors 'self'")


class RevokedFilter(admin.SimpleListFilter):
    title = _("revoked")
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(revoked_at__isnull=True)
        return queryset


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the public verification page, with the date."),
        error_messages={"required": _("Give the reason for revoking the certificate.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for revoking the certificate."), code="required")
        return reason


NUMBER = re.compile(r"^\s*(\d{1,9})\s*/\s*(\d{4})\s*/\s*(\S{1,20})\s*$")


@admin.register(Certificate)
class CertificateAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    """The register: read only. Administrators revoke and download it; HR officers see their scope's."""

    change_list_template = "certificates/admin/certificate_change_list.html"
    change_form_template = "certificates/admin/certificate_change_form.html"
    list_display = ["number_display", "holder_name", "title", "kind", "issued_on", "status_display", "signed"]
    list_filter = ["kind", "year", RevokedFilter]
    search_fields = ["code", "holder__full_name", "holder__employee_code", "title"]
    ordering = ["-issued_at", "-pk"]
    actions = ["revoke"]
    fieldsets = [
        (None, {"fields": ["number_display", "code", "kind", "title", "holder", "status_display", "issued_at",
                           "expires_at"]}),
        (_("Printed on the certificate"), {"fields": ["printed_fields"]}),
        (_("PDF"), {"fields": ["links", "sha256", "pdf_size", "signed", "emailed_at"]}),
        (_("What it certifies"), {"fields": ["enrollment", "event", "cycle", "template"]}),
        (_("Revocation"), {"fields": ["revoked_at", "revoked_by", "revoked_reason"]}),
    ]
    readonly_fields = ["number_display", "code", "kind", "title", "holder", "status_display", "issued_at",
                       "expires_at", "printed_fields", "links", "sha256", "pdf_size", "signed", "emailed_at", "enrollment",
                       "event", "cycle", "template", "revoked_at", "revoked_by", "revoked_reason"]

    class Media:  # replaces AccessibleAdminMixin's: its files first
        css = {"all": ["accounts/admin-fixes.css", "certificates/admin.css"]}
        js = ["accounts/admin-fixes.js"]

    # Who sees and does what ----------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_role(Role.ADMIN):
            return queryset
        return queryset.filter(holder__in=users_in_scope(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # what is printed never changes; revoking is an action of its own

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request, obj=None):
        return request.user.has_role(Role.ADMIN)

    # Columns and fields ----------------------------------------------------------

    @admin.display(description=_("number"), ordering="serial")
    def number_display(self, certificate):
        return certificate.number

    @admin.display(description=_("holder"), ordering="holder__full_name")
    def holder_name(self, certificate):
        return certificate.fields.get("holder_name", "")

    @admin.display(description=_("issued on"), ordering="issued_at")
    def issued_on(self, certificate):
        return date_format(timezone.localtime(certificate.issued_at), "d/m/Y")

    @admin.display(description=_("status"))
    def status_display(self, certificate):
        status = services.status_of(certificate) if certificate.is_stored else "pending"
        return format_html('<span class="certificate-status certificate-status--{}">{}</span>', status,
                           services.STATUS_LABELS[status])

    @admin.display(description=_("printed fields"))
    def printed_fields(self, certificate):
        # Administrators see every field the certificate was made from, printed or not.
        rows = [(label, certificate.fields.get(name) or (certificate.title if name == "title" else ""))
                for name, label in PRINTED_FIELDS]
        return format_html('<dl class="certificate-printed">{}</dl>', format_html_join(
            "", "<dt>{}</dt><dd>{}</dd>", ((label, value) for label, value in rows if value)))

    @admin.display(description=_("links"))
    def links(self, certificate):
        verify = format_html('<a href="{}">{}</a>', reverse("verify", args=[certificate.code]),
                             _("Public verification page"))
        if not certificate.is_stored:
            return verify
        return format_html('<a href="{}">{}</a> · {}', pdf_url(certificate), _("Download the PDF"), verify)

    # Search: a code however typed, a number as printed ("125/2026/GCN"), or names and titles ---------

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = codes.normalise(search_term) if search_term else None
        if code:
            results |= queryset.filter(code=code)
        number = NUMBER.match(search_term or "")
        if number:
            serial, year, register_name = number.groups()
            results |= queryset.filter(serial=int(serial), year=int(year), register__iexact=register_name)
        return results, may_have_duplicates

    # Revoking ------------------------------------------------------------------

    def get_urls(self):
        return [
            path("register/", self.admin_site.admin_view(self.register_view),
                 name="certificates_certificate_register"),
            path("<path:object_id>/revoke/", self.admin_site.admin_view(self.revoke_view),
                 name="certificates_certificate_revoke"),
            *super().get_urls(),
        ]

    @admin.action(description=_("Revoke the selected certificates"), permissions=["revoke"])
    def revoke(self, request, queryset):
        """Asks for the reason on a page of its own, then revokes each one with it."""
        certificates = list(queryset)
        form = RevokeForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            self._revoke(request, certificates, form.cleaned_data["reason"])
            return None
        return self._revoke_page(request, certificates, form, action=True)

    def revoke_view(self, request, object_id):
        certificate = self.get_object(request, unquote(object_id))
        if certificate is None:
            raise Http404
        if not self.has_revoke_permission(request, certificate):
            raise PermissionDenied
        form = RevokeForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            self._revoke(request, [certificate], form.cleaned_data["reason"])
            return HttpResponseRedirect(reverse("admin:certificates_certificate_change", args=[certificate.pk]))
        return self._revoke_page(request, [certificate], form, action=False)

    def _revoke(self, request, certificates: list[Certificate], reason: str) -> None:
        revoked = [c for c in certificates if not c.is_revoked]
        for certificate in revoked:
            services.revoke(actor=request.user, certificate=certificate, reason=reason)
        self.message_user(request, ngettext("Revoked %(count)d certificate.", "Revoked %(count)d certificates.",
                                            len(revoked)) % {"count": len(revoked)}, messages.SUCCESS)
        if len(revoked) < len(certificates):
            self.message_user(request, gettext("Certificates already revoked were left as they were."),
                              messages.WARNING)

    def _revoke_page(self, request, certificates, form, *, action: bool):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": gettext("Revoke certificates"), "certificates": certificates,
            "form": form, "action": action, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        status = 400 if form.is_bound else 200
        return TemplateResponse(request, "certificates/admin/revoke.html", context, status=status)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        certificate = self.get_object(request, unquote(object_id))
        may_revoke = certificate is not None and not certificate.is_revoked and self.has_revoke_permission(request)
        extra_context = {**(extra_context or {}), "may_revoke": may_revoke}
        return super().change_view(request, object_id, form_url, extra_context)

    # The register ----------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}), "may_download_register": request.user.has_role(Role.ADMIN),
            "this_year": timezone.localdate().year,
        }
        return super().changelist_view(request, extra_context)

    def register_view(self, request):
        """The year's register (sổ cấp giấy chứng nhận) as XLSX: administrators only, as in the API."""
        if not request.user.has_role(Role.ADMIN):
            raise PermissionDenied
        year = request.GET.get("year", "")
        if not re.fullmatch(r"2[0-9]{3}", year):
            self.message_user(request, gettext("Give a year such as 2026."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:certificates_certificate_changelist"))
        audit.record(actor=request.user, action="certificates.register_downloaded", changes={"year": int(year)})
        return FileResponse(
            register.workbook(int(year)), as_attachment=True, filename=f"so-cap-giay-chung-nhan-{year}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
