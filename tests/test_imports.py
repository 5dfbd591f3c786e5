"""Every module of the packages imports on its own: no import circle that works only because
another module happened to be imported first (as `actions` → `render` → `controls` →
`actions` once did)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
import textwrap

import bot
import index
from tests.paths import ROOT

# In one interpreter, each module is imported with none of the packages' modules loaded
# (third-party libraries stay loaded: they cannot join a circle through our code, and
# importing discord.py afresh 70 times would take a minute).
ISOLATED = textwrap.dedent(
    """
    import importlib, json, sys, traceback
    failures = {}
    for name in sys.argv[1:]:
        for loaded in [m for m in sys.modules if m.split(".")[0] in ("bot", "index")]:
            del sys.modules[loaded]
        try:
            importlib.import_module(name)
        except Exception:
            failures[name] = traceback.format_exc(limit=-3)
    print(json.dumps(failures))
    """
)


def modules() -> list[str]:
    names = []
    for package in (bot, index):
        prefix = package.__name__ + "."
        for info in pkgutil.walk_packages(package.__path__, prefix):
            if not info.name.endswith("__main__"):  # `python -m bot` runs the CLI
                names.append(info.name)
    return names


def test_every_module_imports_on_its_own() -> None:
    names = modules()
    assert {"bot.discord.controls", "bot.discord.render", "bot.exts.feedback.cog"} <= set(names)
    # Two interpreters, half the modules each: the machine has two cores.
    halves = [
        subprocess.Popen(
            [sys.executable, "-c", ISOLATED, *names[i::2]],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for i in range(2)
    ]
    failures = {}
    for half in halves:
        out, _ = half.communicate(timeout=120)
        assert half.returncode == 0
        failures |= json.loads(out)
    assert failures == {}


def test_a_circle_would_be_caught() -> None:
    """The check itself works: two modules that import each other's names fail alone."""
    circle = textwrap.dedent(
        """
        import sys, types, importlib.abc, importlib.util
        sources = {
            "bot.circle_a": "from bot.circle_b import B\\nA = 1\\n",
            "bot.circle_b": "from bot.circle_a import A\\nB = 2\\n",
        }
        class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
            def find_spec(self, name, path, target=None):
                return importlib.util.spec_from_loader(name, self) if name in sources else None
            def create_module(self, spec):
                return None
            def exec_module(self, module):
                exec(sources[module.__name__], module.__dict__)
        sys.meta_path.insert(0, Finder())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", circle + ISOLATED, "bot.circle_a"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert "cannot import name" in json.loads(done.stdout)["bot.circle_a"]
