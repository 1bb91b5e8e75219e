"""Pipeline benchmark: listing deals from the shell, as ratios to floors measured in the same run.

    python bench/pipeline_bench.py [--sizes 10000] [--repeat 5]

For each size it builds a database with `qualicoach demo --deals N` and times, best of
--repeat, whole commands as a shell user runs them:

- floor:       python -c "import typer, rich.console, json; json.load(open(DB))"
- json:        qualicoach deals --at-risk --format json       (target: within 1.5x of floor)
- table:       qualicoach deals --all                          (target: within 2x of json)
and once:
- help:        qualicoach --help and qualicoach deals --help, against a one-file Typer app
               declaring the same commands, options and help and importing nothing else,
               generated from qualicoach's own command tree (target: 1.25x).
With several sizes it also prints each listing's time against the first size's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
def bare_app_source() -> str:
    """A one-file Typer app with qualicoach's commands, options and help, importing nothing
    else: generated from qualicoach's own command tree, so the two stay the same."""
    from typer.main import get_command

    from qualicoach.cli.app import app

    lines = ["import typer", "from typing import Optional",
             "def _group(help):",
             "    return typer.Typer(no_args_is_help=True, rich_markup_mode=None, help=help)"]
    counter = iter(range(10_000))

    def emit(command: object, parent: str) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            if hasattr(sub, "commands"):
                var = f"g{next(counter)}"
                lines.append(f"{var} = _group({sub.help!r})")
                lines.append(f"{parent}.add_typer({var}, name={name!r})")
                emit(sub, var)
                continue
            params = []
            for param in sub.params:
                if param.name in ("help",):
                    continue
                help_text = getattr(param, "help", None)
                if param.param_type_name == "argument":
                    kind = "str" if param.required else "Optional[str]"
                    default = "..." if param.required else "None"
                    params.append(f"{param.name}: {kind} = typer.Argument({default})")
                elif getattr(param, "is_flag", False):
                    params.append(f"{param.name}: bool = typer.Option(False, "
                                  f"*{param.opts!r}, help={help_text!r})")
                elif param.multiple:
                    params.append(f"{param.name}: Optional[list[str]] = typer.Option(None, "
                                  f"*{param.opts!r}, help={help_text!r})")
                else:
                    params.append(f"{param.name}: Optional[str] = typer.Option(None, "
                                  f"*{param.opts!r}, help={help_text!r})")
            func = f"f{next(counter)}"
            lines.append(f"@{parent}.command({name!r}, help={sub.help!r})")
            lines.append(f"def {func}({', '.join(params)}): pass")

    root = get_command(app)
    lines.append(f"app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, "
                 f"help={root.help!r})")
    lines.append("@app.callback()")
    lines.append("def root(db: Optional[str] = typer.Option(None, '--db'), frameworks_dir: "
                 "Optional[list[str]] = typer.Option(None, '--frameworks-dir'), version: bool "
                 "= typer.Option(False, '--version')): pass")
    emit(root, "app")
    lines.append("app()")
    return "\n".join(lines) + "\n"



def timed(command: list[str], repeat: int, env: dict[str, str]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=env, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    # Measure what users run: pip compiles bytecode at install, but an editable install or
    # PYTHONDONTWRITEBYTECODE would leave ours to be compiled on every start.
    import compileall

    import qualicoach as package

    compileall.compile_dir(str(Path(package.__file__).parent), quiet=1)
    # The installed console script, as a shell user runs it.
    qualicoach = [str(Path(PYTHON).with_name("qualicoach"))]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "QUALICOACH_CONFIG_DIR": str(folder / "config"),
               "QUALICOACH_DATA_DIR": str(folder / "data"),
               "QUALICOACH_CACHE_DIR": str(folder / "cache"), "NO_COLOR": "1"}
        env.pop("QUALICOACH_FRAMEWORKS", None)
        bare = folder / "bare.py"
        bare.write_text(bare_app_source())
        help_ours = timed([*qualicoach, "--help"], args.repeat, env)
        help_bare = timed([PYTHON, str(bare), "--help"], args.repeat, env)
        deals_help_ours = timed([*qualicoach, "deals", "--help"], args.repeat, env)
        deals_help_bare = timed([PYTHON, str(bare), "deals", "--help"], args.repeat, env)
        print(f"--help: {help_ours:.3f} s vs bare Typer {help_bare:.3f} s = "
              f"{help_ours / help_bare:.2f}x; deals --help: {deals_help_ours:.3f} s vs "
              f"{deals_help_bare:.3f} s = {deals_help_ours / deals_help_bare:.2f}x "
              "(target 1.25x)")
        first: dict[str, float] = {}
        for size in (int(s) for s in args.sizes.split(",")):
            db = folder / f"demo-{size}.json"
            start = time.perf_counter()
            subprocess.run([*qualicoach, "demo", "--deals", str(size), "--db", str(db)],
                           stdout=subprocess.DEVNULL, env=env, check=True)
            built = time.perf_counter() - start
            floor = timed([PYTHON, "-c", "import typer, rich.console, json; "
                           f"json.load(open({str(db)!r}))"], args.repeat, env)
            listing = timed([*qualicoach, "--db", str(db), "deals", "--at-risk", "--format",
                             "json"], args.repeat, env)
            table = timed([*qualicoach, "--db", str(db), "deals", "--all"], args.repeat, env)
            size_mb = db.stat().st_size / 1e6
            print(f"{size:,} deals ({size_mb:.0f} MB, demo built in {built:.1f} s): "
                  f"floor {floor:.3f} s; deals --at-risk -f json {listing:.3f} s = "
                  f"{listing / floor:.2f}x floor (target 1.5x); deals --all {table:.3f} s = "
                  f"{table / listing:.2f}x json (target 2x)", flush=True)
            if not first:
                first = {"floor": floor, "json": listing, "table": table, "size": size}
            else:
                scale = size / first["size"]
                print(f"  vs {first['size']:,}: floor {floor / first['floor']:.1f}x, json "
                      f"{listing / first['json']:.1f}x, table {table / first['table']:.1f}x "
                      f"for {scale:.0f}x the deals (target: at most 12x for 10x)")


if __name__ == "__main__":
    main()
