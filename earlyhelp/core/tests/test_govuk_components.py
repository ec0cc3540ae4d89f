"""Our component templates against the fixtures that govuk-frontend ships with each component.

Every fixture's ``options`` are rendered through ``{% govuk %}`` and compared with the fixture's
``html`` after both are parsed into a canonical tree: whitespace runs collapsed and trimmed,
attributes sorted, class names sorted (their order means nothing), entities decoded.
"""

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Template

from earlyhelp.core.templatetags.govuk import COMPONENTS, render_component

COMPONENTS_DIR = (
    Path(__file__).resolve().parents[3] / "node_modules" / "govuk-frontend" / "dist" / "govuk"
) / "components"

# Fixtures for features we deliberately leave out, with the reason.
SKIPPED: dict[tuple[str, str], str] = {}

VOID_ELEMENTS = {
    "area",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}
SVG_SELF_CLOSING = {"circle", "path", "rect", "line", "polygon", "polyline", "ellipse", "use"}


class CanonicalTree(HTMLParser):
    """Parses HTML into nested tuples: ("tag", name, attributes, children) or ("text", text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list[Any] = []
        self.stack: list[list[Any]] = [self.root]
        self.open_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        children: list[Any] = []
        self.stack[-1].append(("tag", tag, canonical_attributes(attrs), children))
        if tag not in VOID_ELEMENTS:
            self.stack.append(children)
            self.open_tags.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].append(("tag", tag, canonical_attributes(attrs), []))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        if tag not in self.open_tags:
            raise AssertionError(f"</{tag}> closes nothing")
        while self.open_tags:
            self.stack.pop()
            if self.open_tags.pop() == tag:
                break

    def handle_data(self, data: str) -> None:
        siblings = self.stack[-1]
        if siblings and siblings[-1][0] == "text":
            siblings[-1] = ("text", siblings[-1][1] + data)
        else:
            siblings.append(("text", data))


def canonical_attributes(attrs: list[tuple[str, str | None]]) -> tuple:
    canonical = []
    for name, value in attrs:
        value = " ".join((value or "").split())
        if name == "class":
            value = " ".join(sorted(value.split()))
        canonical.append((name, value))
    return tuple(sorted(canonical))


def normalise(nodes: list[Any]) -> list[Any]:
    result = []
    for node in nodes:
        if node[0] == "text":
            text = " ".join(node[1].split())
            if text:
                result.append(("text", text))
        else:
            result.append(("tag", node[1], node[2], normalise(node[3])))
    return result


def canonical(html: str) -> list[Any]:
    parser = CanonicalTree()
    parser.feed(html)
    parser.close()
    return normalise(parser.root)


def pretty(nodes: list[Any], depth: int = 0) -> str:
    lines = []
    for node in nodes:
        if node[0] == "text":
            lines.append("  " * depth + repr(node[1]))
        else:
            attributes = " ".join(f'{name}="{value}"' for name, value in node[2])
            lines.append("  " * depth + f"<{node[1]} {attributes}>".replace(" >", ">"))
            lines.append(pretty(node[3], depth + 1))
    return "\n".join(line for line in lines if line)


def load_fixtures(component: str) -> list[dict]:
    path = COMPONENTS_DIR / component / "fixtures.json"
    if not path.exists():
        pytest.fail(
            f"{path} is missing: install the front-end packages with `npm ci` (`make test` does)",
            pytrace=False,
        )
    return json.loads(path.read_text())["fixtures"]


def all_fixtures() -> list[Any]:
    cases = []
    for component in COMPONENTS:
        path = COMPONENTS_DIR / component / "fixtures.json"
        if not path.exists():
            cases.append(pytest.param(component, None, id=f"{component}-missing"))
            continue
        for fixture in json.loads(path.read_text())["fixtures"]:
            marks = []
            reason = SKIPPED.get((component, fixture["name"]))
            if reason:
                marks.append(pytest.mark.skip(reason=reason))
            cases.append(
                pytest.param(component, fixture, id=f"{component}: {fixture['name']}", marks=marks)
            )
    return cases


def test_node_modules_installed() -> None:
    assert COMPONENTS_DIR.is_dir(), (
        f"{COMPONENTS_DIR} is missing: install the front-end packages with `npm ci` "
        "(`make test` does)"
    )


@pytest.mark.parametrize(("component", "fixture"), all_fixtures())
def test_component_matches_fixture(component: str, fixture: dict | None) -> None:
    if fixture is None:
        load_fixtures(component)  # fails with the reason
        return
    ours = canonical(render_component(component, fixture["options"]))
    theirs = canonical(fixture["html"])
    if ours != theirs:
        pytest.fail(
            f"{component} / {fixture['name']}\noptions: {json.dumps(fixture['options'])}\n"
            f"--- ours\n{pretty(ours)}\n--- govuk-frontend\n{pretty(theirs)}",
            pytrace=False,
        )


def test_skips_name_real_fixtures() -> None:
    names = {(component, f["name"]) for component in COMPONENTS for f in load_fixtures(component)}
    assert set(SKIPPED) <= names


def test_tag_takes_a_dict_or_keywords() -> None:
    template = Template(
        '{% govuk "button" params %}{% govuk "button" text="Continue" isStartButton=True %}'
    )
    html = template.render(Context({"params": {"text": "Save <draft>"}}))
    assert "Save &lt;draft&gt;" in html
    assert "govuk-button--start" in html
    assert "Continue" in html


def test_html_is_trusted_and_text_is_escaped() -> None:
    html = render_component("inset-text", {"html": "<b>bold</b>"})
    assert "<b>bold</b>" in html
    text = render_component("inset-text", {"text": "<b>bold</b>"})
    assert "&lt;b&gt;bold&lt;/b&gt;" in text


def test_unknown_component_is_an_error() -> None:
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        render_component("marquee", {})
