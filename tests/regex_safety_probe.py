"""Child process of test_regex_safety: times every regex of the package on adversarial lines.

Prints one line per (pattern, input) that took longer than the bound, and 'done N' at the end;
run in a child so that a pattern that backtracks exponentially can be killed from outside.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import signal
import sys
import time
from pathlib import Path

import newsclean

LONG = 100_000


def adversarial_lines() -> dict[str, str]:
    lines = {
        "digits": "7" * LONG,
        "digits_spaced": "1 2, " * (LONG // 5),
        "punctuation": "!?.,;:-—" * (LONG // 8),
        "spaces": " " * LONG + "x",
        "tabs_spaces": " \t " * (LONG // 3) + ".",
        "brackets": "([{<" * (LONG // 4) + ">",
        "closing": ")]}>" * (LONG // 4),
        "url": "https://example.com/" + "a/b-c_d.e?f=g&" * (LONG // 14),
        "urls_spaced": "https://ex.com/a/b/c " * (LONG // 21),
        "md_links": "[a link](https://ex.com/a/b) " * (LONG // 29),
        "md_images": "![An image, alt text](https://ex.com/img/x.png)" * (LONG // 47),
        "md_nested": "[![" * (LONG // 3),
        "md_emphasis": "**_*" * (LONG // 4),
        "slashes": " / " * (LONG // 3) + "?",
        "capital_words": "Ab " * (LONG // 3) + "/ Cd" + "!",
        "names_slashes": "Jane Doe / Big Org / " * (LONG // 21) + "zz.",
        "one_word": "a" * LONG,
        "mixed_case": "aB" * (LONG // 2) + ":",
        "separators": " » a › b > c | d /" * (LONG // 18),
        "emails": "a.b@c.d " * (LONG // 8),
        "dates": "12 January 2024, 2024-01-12 " * (LONG // 28),
        "quotes": "\"'“”‘’«»" * (LONG // 8),
        "open_quotes": "“" * LONG,
        "open_guillemets": "« ‘" * (LONG // 3),
        "heading": "# " + "word   " * (LONG // 7) + "#x",
        "table": "| a " * (LONG // 4),
        "md_link_open": "[a](" * (LONG // 4),
        "cjk": "新闻报道" * (LONG // 4),
    }
    # short lines that make ambiguous repeats backtrack: many words, then a character that fails
    for word in ("share", "share this", "google+", "follow", "more", "photo", "the", "a", "1", "ab cd",
                 "by", "says", "copyright", "cookies", "read more", "Name"):
        lines[f"repeat[{word}]"] = f"{word} " * 40 + "zz#"
    return lines


def package_patterns() -> dict[str, re.Pattern]:
    """Every compiled regex held by a module of the package: module globals, and patterns inside
    module-level tuples, lists, dicts and objects (rules)."""
    found: dict[str, re.Pattern] = {}

    def visit(name: str, value, depth: int = 0) -> None:
        if isinstance(value, re.Pattern):
            found[f"{value.pattern!r}/{value.flags}"] = value
            return
        if depth > 3:
            return
        if isinstance(value, (tuple, list, set, frozenset)):
            for i, v in enumerate(value):
                visit(f"{name}[{i}]", v, depth + 1)
        elif isinstance(value, dict):
            for k, v in value.items():
                visit(f"{name}[{k!r}]", v, depth + 1)
        elif callable(value) and isinstance(getattr(value, "__self__", None), re.Pattern):
            visit(name, value.__self__, depth + 1)
        elif hasattr(value, "__dataclass_fields__"):
            for field in value.__dataclass_fields__:
                visit(f"{name}.{field}", getattr(value, field, None), depth + 1)

    for info in pkgutil.walk_packages(newsclean.__path__, "newsclean."):
        module = importlib.import_module(info.name)
        for attr, value in vars(module).items():
            visit(f"{info.name}.{attr}", value)
    # patterns written inline (re.sub(r"…", …)) in the package's own source: read off its syntax tree
    for source in Path(newsclean.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, (str, bytes))):
                visit(f"{source.name}:{node.lineno}", re.compile(node.args[0].value))
    return found


class _TooSlow(Exception):
    pass


def _stop(*_args) -> None:
    raise _TooSlow


def main(bound: float, shard: int = 0, shards: int = 1) -> None:
    signal.signal(signal.SIGALRM, _stop)  # the regex engine checks for signals while it runs
    everything = package_patterns()
    patterns = {key: everything[key] for key in sorted(everything)[shard::shards]}  # this process's share
    lines = adversarial_lines()
    slow = 0
    for key, pattern in patterns.items():
        for label, line in lines.items():
            subject = line.encode("utf-8") if isinstance(pattern.pattern, bytes) else line
            started = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, bound * 4)
            try:
                pattern.search(subject)
                pattern.findall(subject[:20000])
            except _TooSlow:
                pass
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            took = time.perf_counter() - started
            if took > bound:
                slow += 1
                print(f"SLOW {took:.2f}s {label} {key[:200]}", flush=True)
    print(f"done {len(patterns)} patterns x {len(lines)} lines, {slow} slow", flush=True)


if __name__ == "__main__":
    # python regex_safety_probe.py [BOUND [SHARD SHARDS]]: the SHARD-th of SHARDS equal shares of the patterns
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.5,
         *(int(a) for a in sys.argv[2:4]))
