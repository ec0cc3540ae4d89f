"""The access log is append-only in the database itself, on SQLite and PostgreSQL alike."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape
from django.views.generic import DetailView

from earlyhelp.accounts.models import Organisation
from earlyhelp.accounts.roles import Role
from earlyhelp.accounts.tests.factories import (
    OrganisationFactory,
    UserFactory,
    sign_in,
    user_with_role,
)
from earlyhelp.core.audit import AuditedDetailMixin, audited, record_access
from earlyhelp.core.models import AccessAction, AccessEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    request = RequestFactory().get("/people/42/")
    request.user = UserFactory()
    request.request_id = "req-1"
    return record_access(
        request,
        AccessAction.VIEW,
        object_type="person",
        object_id=42,
        person_id=42,
        description="Viewed Jo Bloggs",
    )


def test_event_records_who_what_whose_and_the_request(event):
    event.refresh_from_db()
    assert event.actor is not None and event.actor_label == event.actor.email
    assert (event.object_type, event.object_id, event.person_id) == ("person", "42", 42)
    assert event.request_id == "req-1" and event.path == "/people/42/"


def test_orm_update_is_refused(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(reason="tampered")
    event.refresh_from_db()
    assert event.reason == ""


def test_save_of_a_changed_row_is_refused(event):
    event.description = "something else"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    assert AccessEvent.objects.get(pk=event.pk).description == "Viewed Jo Bloggs"


def test_orm_delete_is_refused(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_update_and_delete_are_refused(event):
    table = AccessEvent._meta.db_table
    for sql in (
        f"UPDATE {table} SET reason = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AccessEvent.objects.filter(pk=event.pk, reason="").exists()


def test_postgres_also_refuses_truncate(event):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {AccessEvent._meta.db_table}")


def test_inserting_new_rows_still_works(event):
    request = RequestFactory().get("/search/?q=smith")
    request.user = event.actor
    record_access(request, AccessAction.SEARCH, object_type="person", description="smith")
    assert AccessEvent.objects.count() == 2


class OrganisationDetail(AuditedDetailMixin, DetailView):
    model = Organisation
    template_name = "404.html"


def test_detail_mixin_records_a_view():
    organisation = OrganisationFactory()
    request = RequestFactory().get(f"/x/{organisation.pk}/")
    request.user = UserFactory()
    OrganisationDetail.as_view()(request, pk=organisation.pk)
    event = AccessEvent.objects.get()
    assert event.action == AccessAction.VIEW
    assert event.object_type == "organisation" and event.object_id == str(organisation.pk)


def test_api_hook_records_a_read():
    @audited("person")
    def read_person(request, person_id: int):
        return {"id": person_id}

    request = RequestFactory().get("/api/people/7")
    request.user = UserFactory()
    assert read_person(request, person_id=7) == {"id": 7}
    event = AccessEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == ("api_read", "person", "7")


def test_auditor_sees_what_a_user_accessed(client, event):
    auditor = user_with_role(Role.AUDITOR)
    sign_in(client, auditor)
    people = client.get(reverse("core:audit_people") + "?q=" + event.actor.email)
    # Names such as O'Neill reach the page HTML-escaped.
    assert people.status_code == 200 and escape(event.actor.full_name) in people.text
    trail = client.get(reverse("core:audit_user_trail", args=[event.actor.pk]))
    assert trail.status_code == 200
    assert "Viewed Jo Bloggs" in trail.text
    # The auditor's own look is recorded too.
    assert AccessEvent.objects.filter(actor=auditor, object_type="access_trail").exists()
    assert AccessEvent.objects.filter(actor=auditor, action=AccessAction.SEARCH).exists()


def test_non_auditors_get_404_and_anonymous_signs_in(client, event):
    for url in (
        reverse("core:audit_people"),
        reverse("core:audit_user_trail", args=[event.actor.pk]),
    ):
        anonymous = client.get(url)
        assert anonymous.status_code == 302
        sign_in(client, user_with_role(Role.TEAM_MANAGER))
        assert client.get(url).status_code == 404
        client.logout()
