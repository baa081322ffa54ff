"""newsclean: clean scraped news into validated JSONL.

Library use, no Prefect needed::

    from newsclean import clean_document, to_record
    record = to_record(clean_document(open("raw/a.txt", "rb").read(), "a.txt"))
"""
from importlib.metadata import PackageNotFoundError, version

from .pipeline import PipelineConfig, clean_batch, clean_document
from .record import to_record
from .run import clean_incremental, run_clean

try:
    __version__ = version("newsclean")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["PipelineConfig", "clean_batch", "clean_document", "clean_incremental", "run_clean", "to_record", "__version__"]
