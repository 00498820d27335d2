"""Starting Spark: the session the engine runs on, and what it needs (Java, pyspark)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from xigao.errors import XigaoError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def require_java() -> None:
    """Raise a clear error where no Java runtime is found (Spark needs one)."""
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return
    if shutil.which("java"):
        return
    raise XigaoError(
        "the Spark engine needs a Java runtime (17 or 21) and none was found: install one "
        "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless; `make setup` does this "
        "where it can) or set JAVA_HOME"
    )


def session(
    master: str = "local[*]", conf: Mapping[str, str] | None = None, *, app: str = "xigao"
) -> SparkSession:
    """A Spark session on ``master`` with ``conf`` (``KEY=VALUE`` settings) applied. Python
    workers run this interpreter unless ``PYSPARK_PYTHON`` says otherwise."""
    require_java()
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:  # pragma: no cover - installed by make setup
        raise XigaoError(
            "the Spark engine needs pyspark, pandas and pyarrow: pip install 'xigao[spark]'"
        ) from e
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    b = SparkSession.builder.master(master).appName(app)
    settings = {
        "spark.sql.shuffle.partitions": "8",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.ui.showConsoleProgress": "false",
        **dict(conf or {}),
    }
    for k, v in settings.items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def parse_conf(pairs: Iterable[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings as a dict (a pair without ``=`` raises ValueError)."""
    out = {}
    for p in pairs:
        k, sep, v = p.partition("=")
        if not sep or not k.strip():
            raise ValueError(f"{p!r} is not KEY=VALUE")
        out[k.strip()] = v.strip()
    return out
