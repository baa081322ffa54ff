"""newsclean: clean scraped news into validated JSONL.

Library use, no Prefect needed::

    from newsclean import clean_document, to_record
    record = to_record(clean_document(open("raw/a.txt", "rb").read(), "a.txt"))
"""
from importlib.metadata import PackageNotFoundError, version

#: the library's entry points, imported on first use: `newsclean --version` and `import newsclean`
#: do not pay for pandas, pandera, trafilatura and the models
_LAZY = {"PipelineConfig": "pipeline", "clean_batch": "pipeline", "clean_document": "pipeline",
         "to_record": "record", "clean_incremental": "run", "run_clean": "run"}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'newsclean' has no attribute {name!r}")


try:
    __version__ = version("newsclean")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["PipelineConfig", "clean_batch", "clean_document", "clean_incremental", "run_clean", "to_record", "__version__"]
