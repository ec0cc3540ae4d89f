"""Demo and large-scale data. Each app registers a seeder in its AppConfig.ready();
`earlyhelp seed --scale demo|large` runs them in order, passing one shared `SeedContext`
so later apps can build on what earlier ones made (the council's teams, its schools...)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from faker import Faker

SCALES = ("demo", "large")


@dataclass
class SeedContext:
    scale: str
    faker: Faker
    stdout: Any
    #: Shared objects by name, e.g. context.objects["front_door_team"].
    objects: dict[str, Any] = field(default_factory=dict)

    def say(self, message: str) -> None:
        self.stdout.write(message)


@dataclass(order=True)
class Seeder:
    order: int
    name: str = field(compare=False)
    run: Callable[[SeedContext], None] = field(compare=False)


_seeders: dict[str, Seeder] = {}


def register_seeder(name: str, run: Callable[[SeedContext], None], *, order: int) -> None:
    _seeders[name] = Seeder(order=order, name=name, run=run)


def seeders() -> list[Seeder]:
    return sorted(_seeders.values())


def make_faker(seed: int = 20261124) -> Faker:
    faker = Faker("en_GB")
    faker.seed_instance(seed)
    return faker
