"""A council adds its own assessment template, or a new version of one, without code."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AssessmentSettings, AssessmentTemplate


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "version", "published", "created_at")
    list_filter = ("published",)
    search_fields = ("name",)

    def get_readonly_fields(self, request, obj=None):
        # A version in use is frozen: assessments keep the questions they were written against.
        if obj is not None and obj.assessments.exists():
            return ("name", "version", "sections")
        return ()


@admin.register(AssessmentSettings)
class AssessmentSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "managers_sign_off")
