"""The output side of the ``ccl`` commands, split by concern: where the rows go
(ccl.cli.targets) and what they look like (ccl.cli.formats). The names stay importable from here."""

from ccl.cli.formats import (  # noqa: F401
    COLUMNS,
    FORMATS,
    CsvWriter,
    JsonlWriter,
    ParquetWriter,
    RowSource,
    TxtWriter,
    make_writer,
    parquet_schema,
    require_pyarrow,
    rows,
)
from ccl.cli.targets import HashingFile, Target, plan_output  # noqa: F401
