"""Admin: each team's clinic facts (hours, address, phone, holidays) and callback rule.

Configuration, not patient data: administrators edit it (messaging.0004 grants them
the permissions). The assistant states only what is written here or in the settings.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from messaging.models import ClinicHoliday, ClinicProfile


class ClinicHolidayInline(admin.TabularInline):
    model = ClinicHoliday
    extra = 1
    fields = ("date", "name_en", "name_es")


@admin.register(ClinicProfile)
class ClinicProfileAdmin(admin.ModelAdmin):
    list_display = ("team", "phone", "callback_acuity", "callback_minutes", "updated_at")
    list_select_related = ("team",)
    inlines = [ClinicHolidayInline]
    fieldsets = (
        (None, {"fields": ("team",)}),
        (
            _("What the assistant may state"),
            {"fields": ("hours", "phone", "address_en", "address_es")},
        ),
        (_("Talk to a person"), {"fields": ("callback_acuity", "callback_minutes")}),
    )
