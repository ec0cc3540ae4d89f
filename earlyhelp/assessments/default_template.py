"""The default Early Help Assessment, version 1, seeded by migration 0002. It follows the
Assessment Framework triangle (DOMAIN.md section 3.5). Never change a published version: a
council's changed form is a new version (or its own template) added in the admin."""

from typing import Any

DEFAULT_TEMPLATE_NAME = "Early Help Assessment"


def _area(key: str, title: str, hint: str) -> dict[str, Any]:
    return {
        "key": key,
        "title": title,
        "area": True,
        "intro": hint,
        "questions": [
            {
                "key": f"{key}_strengths",
                "label": "Strengths",
                "hint": "What is going well, and what the family does that helps.",
                "kind": "long_text",
            },
            {
                "key": f"{key}_needs",
                "label": "Needs",
                "hint": "What needs to change, and what worries the family or professionals.",
                "kind": "long_text",
            },
            {
                "key": f"{key}_score",
                "label": f"Score for {title[0].lower() + title[1:]}",
                "hint": "1 means serious concern, 10 means going well. Agree it with the family.",
                "kind": "score",
                "required": True,
            },
        ],
    }


DEFAULT_SECTIONS_V1: list[dict[str, Any]] = [
    {
        "key": "about",
        "title": "Why we are assessing",
        "questions": [
            {
                "key": "reason",
                "label": "Why is the family being assessed?",
                "hint": "What the family, and the person who asked for support, are worried about.",
                "kind": "long_text",
            },
            {
                "key": "contributors",
                "label": "Who contributed to this assessment?",
                "hint": "Family members and professionals, and how they took part.",
                "kind": "long_text",
            },
        ],
    },
    _area(
        "development",
        "Child's developmental needs",
        "Health, learning and education, emotional and behavioural development, identity, family "
        "and social relationships, social presentation and self-care skills.",
    ),
    _area(
        "parenting",
        "Parenting capacity",
        "Basic care, keeping the child safe, emotional warmth, stimulation, guidance and "
        "boundaries, and stability.",
    ),
    _area(
        "environment",
        "Family and environmental factors",
        "Family history and how the family functions, wider family, housing, employment, income, "
        "the family's place in the community and the resources around them.",
    ),
    {
        "key": "child_voice",
        "title": "The voice of the child",
        "per_child": True,
        "intro": "Asked for each child in the family. Use the child's own words where you can.",
        "questions": [
            {
                "key": "wishes_feelings",
                "label": "Wishes and feelings",
                "hint": "What the child said about their life, their worries and what they want.",
                "kind": "long_text",
            },
            {
                "key": "how_heard",
                "label": "How and when were they heard?",
                "hint": "For example: at school with their teacher, 3 March, using drawings.",
                "kind": "long_text",
            },
        ],
    },
    {
        "key": "parents_views",
        "title": "Parents' and carers' views",
        "questions": [
            {
                "key": "parents_views",
                "label": "What do the parents and carers think?",
                "hint": "In their own words: what is going well, what they want to change.",
                "kind": "long_text",
            },
        ],
    },
    {
        "key": "family_network",
        "title": "Family network",
        "questions": [
            {
                "key": "family_network",
                "label": "Who in the wider family and community can help?",
                "hint": "Grandparents, friends, neighbours, faith or community groups.",
                "kind": "long_text",
            },
        ],
    },
    {
        "key": "professionals",
        "title": "Professionals involved",
        "questions": [
            {
                "key": "professionals",
                "label": "Which professionals are involved with the family?",
                "hint": "Name, agency and role, and what they do with the family.",
                "kind": "long_text",
            },
        ],
    },
    {
        "key": "analysis",
        "title": "Analysis",
        "questions": [
            {
                "key": "analysis",
                "label": "What does this mean for the children?",
                "hint": "Bring together the strengths, needs and views above.",
                "kind": "long_text",
                "required": True,
            },
        ],
    },
    {
        "key": "decision",
        "title": "Decision",
        "questions": [
            {
                "key": "decision",
                "label": "What happens next?",
                "kind": "choice",
                "required": True,
                "choices": [
                    ["family_plan", "Early help with a family plan"],
                    ["step_up", "Ask children's social care to consider the family (step up)"],
                    ["universal", "Support from universal services only"],
                    ["no_further_action", "No further action"],
                ],
            },
            {
                "key": "decision_reasons",
                "label": "Reasons for the decision",
                "kind": "long_text",
                "required": True,
            },
        ],
    },
]
