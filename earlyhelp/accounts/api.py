"""The caller's own account: who they are, their roles, and their personal API tokens.

None of this is case data, so these reads are not written to the access log.
"""

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import P, PathEx, Router, Schema, Status
from pydantic import Field

from .models import ApiToken, Membership, User
from .roles import OrganisationKind, Role
from .services import create_api_token, revoke_api_token

router = Router(tags=["Your account"])

# The largest id the database can hold; anything larger cannot name a token.
MAX_ID = 2**63 - 1
# No control characters (PostgreSQL refuses NUL) and at least one that is not a space. Written
# so that the same pattern means the same thing to pydantic, Python and JavaScript.
_CONTROL = r"\x00-\x1f\x7f-\x9f"
_SPACE = r"\x20\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
TOKEN_NAME_PATTERN = rf"^[^{_CONTROL}]*[^{_CONTROL}{_SPACE}][^{_CONTROL}]*$"


class RoleOut(Schema):
    code: Role
    label: str


class OrganisationOut(Schema):
    id: int
    name: str
    kind: OrganisationKind


class TeamOut(Schema):
    id: int
    name: str


class MembershipOut(Schema):
    role: RoleOut
    organisation: OrganisationOut
    team: TeamOut | None
    started_on: date

    @staticmethod
    def resolve_role(obj: Membership) -> dict[str, str]:
        return {"code": obj.role, "label": obj.get_role_display()}


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    job_title: str
    memberships: list[MembershipOut] = Field(
        description="The roles the caller holds today, in each organisation and team."
    )

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        return list(obj.active_memberships())


class TokenOut(Schema):
    """A personal API token, without its secret (only the hash is kept)."""

    id: int
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it by.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_active: bool


class TokenIn(Schema):
    name: str = Field(
        min_length=1,
        max_length=100,
        pattern=TOKEN_NAME_PATTERN,
        description="What the token is for, like 'School MIS nightly sync'.",
    )


class TokenCreated(TokenOut):
    token: str = Field(
        description="The secret. It is shown this once and cannot be recovered: store it now."
    )


def _caller(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


@router.get("/me", response=MeOut, summary="Who you are and the roles you hold")
def me(request: HttpRequest) -> User:
    return _caller(request)


@router.get("/me/tokens", response=list[TokenOut], summary="Your personal API tokens")
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(_caller(request).api_tokens.order_by("-created_at", "-id"))


@router.post("/me/tokens", response={201: TokenCreated}, summary="Create a personal API token")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenCreated]:
    token, raw = create_api_token(user=_caller(request), name=payload.name.strip())
    return Status(201, TokenCreated(**TokenOut.from_orm(token).model_dump(), token=raw))


@router.delete(
    "/me/tokens/{token_id}", response={204: None}, summary="Revoke one of your API tokens"
)
def revoke_token(request: HttpRequest, token_id: PathEx[int, P(ge=1, le=MAX_ID)]) -> HttpResponse:
    user = _caller(request)
    # Someone else's token is a 404, like one that does not exist.
    token = get_object_or_404(ApiToken, pk=token_id, user=user)
    revoke_api_token(user=user, token=token)
    response = HttpResponse(status=204)
    del response["Content-Type"]
    return response
