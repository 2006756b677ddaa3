#!/usr/bin/env python3
"""The pandas peer of bench.py's `tables` section: times `pandas.read_csv(path)` in this process and
prints one JSON line {"seconds", "rows", "cols", "import_seconds", "pandas"}.

`seconds` is read_csv alone (default engine and options: the C parser, float64 columns); the
import of pandas is timed apart. bench.py also times the whole process around it (interpreter
start-up and import included). Runs in the peers' venv:

    /tmp/runexp-peers/venv/bin/python bench/tables/pandas_load.py /tmp/runexp-bench/tables/FILE.csv
"""
import json
import sys
import time


def main():
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit("usage: pandas_load.py FILE.csv")
    path = sys.argv[1]
    start = time.perf_counter()
    import pandas
    imported = time.perf_counter()
    frame = pandas.read_csv(path)
    read = time.perf_counter()
    print(json.dumps({"seconds": read - imported, "rows": int(frame.shape[0]), "cols": int(frame.shape[1]),
                      "import_seconds": imported - start, "pandas": pandas.__version__}))


if __name__ == "__main__":
    main()
