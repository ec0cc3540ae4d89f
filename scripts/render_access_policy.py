"""Write docs/access-policy.md from the declared access policy (config/access_policy.py).

Run from the project root: `.venv/bin/python scripts/render_access_policy.py`.
tests/test_access_policy.py fails when the document is out of date."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.access_policy import render_markdown  # noqa: E402


def main() -> None:
    target = ROOT / "docs" / "access-policy.md"
    target.write_text(render_markdown())
    print(f"Wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
