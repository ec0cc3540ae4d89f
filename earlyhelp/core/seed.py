from .defaults import CLOSURE_REASONS, LEVELS_OF_NEED
from .models import ClosureReason, CouncilConfiguration, LevelOfNeed
from .seeding import SeedContext


def seed_configuration(context: SeedContext) -> None:
    config = CouncilConfiguration.current()
    config.council_name = "Kingsbridge Borough Council"
    config.service_name = "Early Help"
    config._change_reason = "Demo council set up by the seed command"  # type: ignore[attr-defined]
    config.save()
    for number, name, description, response in LEVELS_OF_NEED:
        LevelOfNeed.objects.get_or_create(
            number=number, defaults={"name": name, "description": description, "response": response}
        )
    for order, (code, label) in enumerate(CLOSURE_REASONS):
        ClosureReason.objects.get_or_create(code=code, defaults={"label": label, "order": order})
