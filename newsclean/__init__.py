"""newsclean: clean scraped news into validated JSONL.

Library use, no Prefect needed::

    from newsclean import clean_document, to_record
    record = to_record(clean_document(open("raw/a.txt", "rb").read(), "a.txt"))
"""
#: the library's entry points, imported on first use: `newsclean --version` and `import newsclean`
#: do not pay for pandas, pandera, trafilatura and the models
_LAZY = {"PipelineConfig": "pipeline", "clean_batch": "pipeline", "clean_document": "pipeline",
         "to_record": "record", "clean_incremental": "run", "run_clean": "run"}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'newsclean' has no attribute {name!r}")


#: the package version (pyproject.toml reads it from here: importlib.metadata would cost
#: `newsclean --version` 55 ms of its start-up)
__version__ = "0.1.0"

__all__ = ["PipelineConfig", "clean_batch", "clean_document", "clean_incremental", "run_clean", "to_record", "__version__"]
