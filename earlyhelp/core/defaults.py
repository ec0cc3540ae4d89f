"""Default levels of need and closure reasons, used by the data migration and the seed.
Councils edit them in the admin; these follow DOMAIN.md sections 2 and 6."""

LEVELS_OF_NEED = [
    (
        1,
        "Universal",
        "Needs are met by universal services: school, GP, health visitor.",
        "No extra assessment needed.",
    ),
    (
        2,
        "Additional or emerging needs",
        "For example poor attendance, speech delay, a young carer, early offending.",
        "Single-agency support or an early help assessment with a lead practitioner.",
    ),
    (
        3,
        "Complex or intensive needs",
        "Several needs, development being impaired, or a plan that is not working.",
        "Multi-agency early help (or Family Help) with a team around the family.",
    ),
    (
        4,
        "Specialist or acute needs",
        "Significant harm, or likely significant harm, to the child.",
        "Referral to children's social care: child in need (s17) or child protection (s47).",
    ),
]

CLOSURE_REASONS = [
    ("outcomes-met", "Outcomes met"),
    ("stepped-up", "Stepped up to children's social care"),
    ("consent-withdrawn", "Family withdrew consent"),
    ("moved-out-of-area", "Moved out of the area"),
    ("no-further-action", "No further action"),
    ("other", "Other"),
]
