"""The words of the episodes seed: what assessments, plans, meetings and case notes say. Short,
plain and fictional; drawn at random, so every family's record reads like a real one."""

REASONS = (
    "School and the health visitor are worried about attendance, sleep and mum's low mood.",
    "Police attended a domestic incident; mum asked for help for herself and the children.",
    "Rent arrears and an eviction notice; the children are anxious and often late to school.",
    "Dad is caring for three children alone since mum left; he says he cannot cope.",
    "Angry outbursts at home and at school; two exclusions this term.",
    "Neighbours and school report the children left alone in the evenings.",
)
CONTRIBUTORS = (
    "Mum and dad at home; the children at school; the class teacher and the school nurse.",
    "Mum, her sister, the health visitor and the school's safeguarding lead.",
    "Dad and the two older children; the youth worker; the GP by phone.",
    "Mum (at the family hub), the children (at school) and the housing officer.",
)
AREAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "development": (
        (
            "Good friendships at school; loves football and drawing.",
            "Healthy and growing well; immunisations up to date.",
            "Reading at the expected level; proud of her swimming badge.",
            "Kind to his younger sister and helps at home.",
        ),
        (
            "Attendance is 84%; often tired and late on Mondays.",
            "Speech is behind for her age; waiting for speech and language therapy.",
            "Angry outbursts when routines change; struggles to settle at night.",
            "Worries a lot about mum and does not want to leave her alone.",
        ),
    ),
    "parenting": (
        (
            "Mum is warm and affectionate; the children are well cared for day to day.",
            "Dad keeps good routines at bedtime and gets them to school on time.",
            "Both parents want things to change and came to every meeting.",
            "Grandma helps with school runs and the children love her visits.",
        ),
        (
            "Boundaries are inconsistent; shouting when mum is stressed.",
            "Mum's low mood means mornings are hard and the children are late.",
            "Dad's drinking at weekends worries the children.",
            "Parents argue in front of the children; dad has left twice this year.",
        ),
    ),
    "environment": (
        (
            "A settled tenancy near school and the family hub.",
            "A supportive church community and good neighbours.",
            "Mum works part time and budgets carefully.",
            "Aunt nearby who the children can go to.",
        ),
        (
            "Rent arrears of about £1,200; a notice seeking possession.",
            "Damp bedroom; the children share one bed.",
            "Little money for food at the end of the month; uses the food bank.",
            "Isolated: no family nearby and no car.",
        ),
    ),
}
WISHES = (
    "Wants mum and dad to stop arguing and to have friends round after school.",
    "Says she is happy at school but worries about mum when she is at home.",
    "Wants his own bed and to play football on Saturdays.",
    "Would like dad to come to parents' evening and to see grandma more.",
)
HOW_HEARD = (
    "At school with her teacher, using the three houses drawings.",
    "At home on my second visit, while we played a card game.",
    "At the family hub with the youth worker, on a walk.",
    "In school with the learning mentor, using a feelings chart.",
)
PARENTS_VIEWS = (
    "Mum says she wants help with routines and to feel less alone.",
    "Dad agrees things are hard and wants support with money and the boys' behaviour.",
    "Both parents want the children to be happy at school and fewer arguments at home.",
)
NETWORK = (
    "Grandma (maternal) sees the children weekly; an aunt can help in an emergency.",
    "Friends from church; a neighbour who collects the children on Tuesdays.",
    "No wider family nearby; mum has a close friend she trusts.",
)
PROFESSIONALS = (
    "Class teacher and school safeguarding lead; health visitor; GP.",
    "School nurse; housing officer; youth worker at the family hub.",
    "Police vulnerability officer; domestic abuse worker; school.",
)
ANALYSIS = (
    "The children are loved and their basic needs are met, but mum's low mood and money "
    "worries mean routines slip. With support for mum and help with the arrears the family "
    "can manage.",
    "The children are affected by conflict at home. The parents want to change and are "
    "engaging; a plan with parenting support and help for dad's drinking should make a "
    "difference.",
    "Several needs together (attendance, housing, behaviour) that no single agency can meet: "
    "a team around the family with one plan is the right response.",
)
DECISION_REASONS = (
    "The family agrees to a plan and the needs are at level 3: a team around the family.",
    "Needs can be met with early help; no one agency can meet them alone.",
)
STEP_UP_DECISION_REASONS = (
    "A disclosure at school and the risk of significant harm: children's social care must "
    "consider the family.",
)

#: (need, outcome wanted, headline outcome) for family plans.
NEEDS = (
    (
        "The children are late or miss school most weeks.",
        "The children are at school every day, on time.",
        "education",
    ),
    (
        "Mum feels low and alone, and mornings are a struggle.",
        "Mum feels better and has people to call on.",
        "health",
    ),
    (
        "We owe rent and might lose our home.",
        "The rent is paid and the family can stay in their home.",
        "housing",
    ),
    (
        "There is shouting and arguing at home and the children are scared.",
        "Home is calm and the children feel safe.",
        "relationships",
    ),
    (
        "Money runs out before the end of the month.",
        "The family has enough money for food and bills every month.",
        "financial_stability",
    ),
    (
        "Dad drinks too much at weekends.",
        "Dad is getting help with his drinking and the children are not worried.",
        "substance_use",
    ),
    (
        "Our youngest is not talking as much as other children his age.",
        "He is getting speech therapy and is talking more.",
        "early_years",
    ),
)
#: (action, owner kind) — agency actions name their organisation.
ACTIONS = (
    ("Walk to school together; school rings mum by 9:30 if the children are not in.", "family"),
    ("Refer mum to the talking therapies service and go with her to the first visit.", "lead"),
    ("Money advice appointment and a discretionary housing payment application.", "agency"),
    ("Mum and dad to go to the Triple P parenting course on Thursdays.", "family"),
    ("Breakfast club place for both children, free.", "agency"),
    ("Weekly home visit to check how the routine is going.", "lead"),
    ("Referral to the drug and alcohol service; dad to book the first appointment.", "family"),
    ("Speech and language therapy referral; nursery to use the home talk pack.", "agency"),
    ("Apply for the holiday activities and food programme.", "lead"),
    ("Young carers' group on Wednesdays after school.", "agency"),
)
AGENCIES = (
    "Riverside Primary School",
    "Kingsbridge Homes",
    "Citizens Advice Kingsbridge",
    "Kingsbridge Family Hub",
    "Kingsbridge Community Health NHS Trust",
    "Kingsbridge Family Action",
)
PROGRESS = (
    "Going well: two weeks with no late marks.",
    "Started; first appointment booked.",
    "Waiting list of six weeks; chased on Monday.",
    "Done, and the family says it helped.",
    "Not done: the family did not go; we will try again.",
)
MINUTES = (
    "Everyone shared what is going well and what worries them. Mum spoke about the mornings; "
    "school said attendance has improved. The children's views were read out.",
    "The family led the meeting. Actions were reviewed one by one; two are done, one is late "
    "because of a waiting list.",
    "Dad came for the first time. Agreed to keep the plan as it is for another six weeks.",
)
DECISIONS = (
    "Keep the plan; review in six weeks.",
    "Add support with money; the school will lead on attendance.",
    "Things are better: plan to close at the next review if this continues.",
)
NOTES = {
    "visit": (
        "Home visit: house tidy, children home from school. Mum said the week went better.",
        "Home visit with the health visitor. Baby well; mum more settled.",
        "Visited after school; did the three houses with the children.",
    ),
    "call": (
        "Called mum: the housing payment came through. She sounded relieved.",
        "Call from school: attendance 96% this half term.",
        "Called dad to remind him of the appointment on Thursday.",
    ),
    "message": (
        "Text from mum: both children at school on time all week.",
        "Messaged the family with the date of the review.",
    ),
    "observation": (
        "Observed the children at school: settled and playing with friends.",
        "Saw mum and the children at the family hub stay-and-play; warm and relaxed.",
    ),
}
CLOSURE_NOTES = {
    "outcomes-met": "The plan's outcomes are met; the family agree and know how to ask again.",
    "stepped-up": "Stepped up to children's social care; the social worker leads now.",
    "consent-withdrawn": "Mum withdrew consent at the last visit; told the school and the GP.",
    "moved-out-of-area": "The family moved to another council; records sent to their team.",
    "no-further-action": "After the assessment no further early help is needed.",
    "other": "Closed after discussion in supervision.",
}
STEP_UP_REASONS = (
    "A disclosure at school of physical harm; strategy discussion held.",
    "Escalating domestic abuse; high risk at MARAC.",
    "Neglect getting worse despite the plan; the children's needs are not met.",
)
STEP_DOWN_REASONS = (
    "Child in need plan ended; needs can be met with early help.",
    "Assessment by children's social care: no further social care role; early help to continue.",
)
SOCIAL_WORKERS = (
    "Jordan Ellis (Children's Social Care, Assessment Team)",
    "Sam Okafor (Children's Social Care, Child in Need Team)",
    "Priya Shah (Children's Social Care, Assessment Team)",
    "Alex Morgan (Children's Social Care, Family Safeguarding)",
)
#: Roles partners take on the team around the family, by the kind of their organisation.
TAF_ROLES = {
    "school": "School (class teacher or safeguarding lead)",
    "health": "Health visitor or school nurse",
    "police": "Police vulnerability officer",
    "voluntary": "Family support worker",
    "housing": "Housing officer",
}
