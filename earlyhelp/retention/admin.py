from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ErasureRecord, LegalHold, RetentionReview, RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "age", "years", "is_active"]
    fields = ["name", "kind", "age", "years", "applies_to", "is_active", "description"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only through retention.services (the review pages); shown here for reference."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyAdmin):
    list_display = ["family_id", "placed_by", "placed_on", "lifted_on"]


@admin.register(RetentionReview)
class RetentionReviewAdmin(ReadOnlyAdmin):
    list_display = ["family_id", "due_since", "status", "decided_at"]
    list_filter = ["status"]


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    list_display = ["family_id", "method", "people_anonymised", "erased_by", "erased_at"]
