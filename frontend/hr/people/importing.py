"""Staff import in two steps: upload a file and read its preview, then confirm ("Xác nhận") or cancel ("Hủy").

The preview runs every check of the import (`accounts.staff_import.preview_staff`)
and writes nothing: a file with a problem is refused whole, each problem at its
line. A good file is kept (`pending`) until the officer confirms; the import then
checks everything again and imports exactly what the preview showed, or shows the
new preview when people or units changed meanwhile.
"""

import csv
import dataclasses
import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import staff_import
from frontend.access import forbidden
from frontend.hr.people import pending
from frontend.hr.people.forms import UploadForm, units_for
from frontend.hr.people.views import hr_required

TEMPLATES = "frontend/hr/people/"
# People listed in each part of a preview; the counts are always whole. A page of 50,000 rows helps nobody.
SHOWN = 1000
# How the preview names each column of the file.
COLUMN_LABELS = {
    "full_name": gettext_lazy("Full name"), "email": gettext_lazy("E-mail address"),
    "employee_code": gettext_lazy("Employee code"), "org_unit": gettext_lazy("Organisation unit"),
    "position": gettext_lazy("Position"),
}


@hr_required
@require_http_methods(["GET", "POST"])
def import_people(request):
    form = UploadForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _upload_page(request, form, status=400 if form.errors else 200)
    upload = form.cleaned_data["file"]
    try:
        data = staff_import.read_staff_upload(upload)
        preview = staff_import.preview_staff(actor=request.user, data=data)
    except staff_import.StaffImportError as error:
        return _upload_page(request, form, errors=error.errors, status=400)
    kept = pending.keep(officer=request.user, data=data, file_name=upload.name, digest=preview.digest)
    return _preview_page(request, preview, kept)


@hr_required
@require_POST
def confirm_import(request):
    try:
        kept, data = pending.open_kept(officer=request.user, token=request.POST.get("token", ""))
    except pending.NotYours as refused:
        return forbidden(request, str(refused), back_url=_import_url())
    except pending.PendingError as problem:
        return _upload_page(request, UploadForm(), problem=str(problem), status=400)
    try:
        result = staff_import.import_staff_data(actor=request.user, data=data, file_name=kept.file_name,
                                                expected=kept.digest)
    except staff_import.PreviewChanged as changed:
        again = dataclasses.replace(kept, digest=changed.preview.digest)
        return _preview_page(request, changed.preview, again, changed=True, status=409)
    except staff_import.StaffImportError as error:
        pending.discard(kept)
        return _upload_page(request, UploadForm(), errors=error.errors, status=400)
    pending.discard(kept)
    messages.success(request, _("The file was imported: %(created)d people created, %(updated)d people changed.")
                     % {"created": result.created, "updated": result.updated})
    return redirect("hr-people")


@hr_required
@require_POST
def cancel_import(request):
    try:
        kept, _data = pending.open_kept(officer=request.user, token=request.POST.get("token", ""))
    except pending.NotYours as refused:
        return forbidden(request, str(refused), back_url=_import_url())
    except pending.PendingError:
        pass  # nothing left to delete
    else:
        pending.discard(kept)
    messages.info(request, _("Nothing was imported."))
    return redirect("hr-people-import")


@hr_required
@require_safe
def import_template(request):
    """A CSV with the header row and one example person, in one of the officer's units."""
    unit = units_for(request.user).first()
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow([*staff_import.REQUIRED_COLUMNS, "position"])
    writer.writerow(["nguyenvanan", "Nguyễn Văn An", "nguyenvanan@example.gov.vn", "VD-0001",
                     unit.code if unit else "", "Chuyên viên"])
    # A byte-order mark, so that Excel opens it as UTF-8.
    response = HttpResponse("\ufeff" + output.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-can-bo.csv"'
    return response


def _upload_page(request, form, *, errors=(), problem="", status=200):
    return render(request, TEMPLATES + "import.html", {
        "form": form, "file_errors": list(errors), "problem": problem,
    }, status=status)


def _preview_page(request, preview, kept: pending.Kept, *, changed: bool = False, status: int = 200):
    rows = [
        {"person": person, "changes": [
            {"label": COLUMN_LABELS[change.field], "old": change.old, "new": change.new}
            for change in person.changes
        ]}
        for person in preview.changed[:SHOWN]
    ]
    return render(request, TEMPLATES + "preview.html", {
        "preview": preview, "created": preview.created[:SHOWN], "created_hidden": max(len(preview.created) - SHOWN, 0),
        "changed_rows": rows, "changed_hidden": max(len(preview.changed) - SHOWN, 0),
        "token": kept.token(), "file_name": kept.file_name, "data_changed": changed,
        "minutes": pending.MAX_AGE.seconds // 60,
    }, status=status)


def _import_url() -> str:
    return reverse("hr-people-import")
