"""Many posts' country files made from the bundled one through the country table, with varied answers
(for collect's tests and bench/collect.py)."""

from __future__ import annotations

import copy
import io
import random
from pathlib import Path

from ruamel.yaml import YAML

from tip_drafter.countries import countries

ROOT = Path(__file__).resolve().parent.parent
BELGIUM = ROOT / "countries" / "belgium.yaml"
PHRASES = ("debt bondage", "forced labor", "domestic servitude", "child soldiers", "sex trafficking")


def make_posts(folder: Path, count: int = 190, seed: int = 2009) -> list[Path]:
    """``count`` valid country files in ``folder``, one per country of the table (in its order),
    each with the country's own post and code and answers varied by a seeded random choice: a
    phrase such as "debt bondage" added here and there, so a search finds some posts and not others."""
    rng = random.Random(seed)
    yaml = YAML(typ="safe")  # plain data and libyaml: 190 files in a second, not half a minute
    yaml.default_flow_style = False
    original = yaml.load(BELGIUM.read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for country in [c for c in countries() if c.posts or c.reported_by][:count]:
        data = copy.deepcopy(original)
        cable = data["cable"]
        cable["post"], cable["country"], cable["country_code"] = (
            (country.posts or country.reported_by)[0],
            country.name,
            country.code,
        )
        cable["subject"] = f"{country.name}: 2009 TIP REPORT SUBMISSION"
        _vary(data["answers"], rng)
        path = folder / f"{'-'.join(country.name.lower().replace(chr(39), '').split())}.yaml"
        buffer = io.StringIO()
        yaml.dump(data, buffer)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        written.append(path)
    return written


def _vary(answers: dict[object, dict[str, object]], rng: random.Random) -> None:
    for entry in answers.values():
        for key, value in entry.items():
            if key in ("mark", "heading") or rng.random() > 0.3:
                continue
            if isinstance(value, str) and rng.random() < 0.1:  # now and then an answer still to review, or one still to come
                entry[key] = {"carried_over": 2008, "text": value} if rng.random() < 0.5 else {"to_follow": "DATA TO FOLLOW."}
                continue
            added = f"The post reports cases of {rng.choice(PHRASES)} in {rng.randint(2005, 2009)}."
            if isinstance(value, dict):
                value["text"] = f"{value.get('text', '')}\n\n{added}"
            elif isinstance(value, str):
                entry[key] = f"{value}\n\n{added}"
