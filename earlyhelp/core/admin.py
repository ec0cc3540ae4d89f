from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AccessEvent, ClosureReason, CouncilConfiguration, LevelOfNeed


@admin.register(CouncilConfiguration)
class CouncilConfigurationAdmin(SimpleHistoryAdmin):
    fieldsets = (
        ("Names", {"fields": ("council_name", "service_name", "meeting_name", "front_door_name")}),
        (
            "Timescales",
            {
                "fields": (
                    "front_door_decision_working_days",
                    "rag_red_working_hours",
                    "rag_amber_working_hours",
                    "rag_green_working_hours",
                    "assessment_working_days",
                    "review_interval_weeks",
                    "sustainment_check_months",
                    "no_contact_weeks",
                )
            },
        ),
        (
            "Approvals",
            {
                "fields": (
                    "front_door_decisions_need_approval",
                    "step_up_needs_approval",
                    "closure_needs_approval",
                )
            },
        ),
        ("Working day", {"fields": ("working_day_starts", "working_day_ends")}),
    )

    def has_add_permission(self, request):
        return not CouncilConfiguration.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LevelOfNeed)
class LevelOfNeedAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name"]


@admin.register(ClosureReason)
class ClosureReasonAdmin(SimpleHistoryAdmin):
    list_display = ["label", "code", "order", "active"]
    list_editable = ["order", "active"]


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """Read-only: the table is append-only in the database as well."""

    list_display = ["occurred_at", "actor_label", "action", "object_type", "object_id", "person_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id", "request_id"]
    date_hierarchy = "occurred_at"
    # Not editable, so shown only when listed here; read-only like everything on this page.
    readonly_fields = ["occurred_at", "previous_hash", "row_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
