# Runs every reference script here in one Python process (torch is imported once) and prints
# {script name: its JSON output}: what torch-test/torch-reference.test.ts compares with the
# checked-in <script>.json files. `--write` regenerates those files instead.
# Run: /usr/bin/python3 test/torch-reference/run_all.py [--write]
import contextlib
import io
import json
import pathlib
import runpy
import sys



def strict_json(value):
    """NaN and ±inf as the strings test/torch-reference-values.ts reads back (JSON has no such numbers)."""
    if isinstance(value, float) and (value != value or value in (float('inf'), float('-inf'))):
        return 'NaN' if value != value else ('Infinity' if value > 0 else '-Infinity')
    if isinstance(value, dict):
        return {key: strict_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [strict_json(item) for item in value]
    return value


here = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(here))
outputs = {}
for script in sorted(here.glob('*.py')):
    if script.name in ('common.py', 'run_all.py'):
        continue
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        runpy.run_path(str(script), run_name='__main__')
    outputs[script.stem] = strict_json(json.loads(printed.getvalue()))
if '--write' in sys.argv:
    for name, value in outputs.items():
        (here / f'{name}.json').write_text(json.dumps(value, indent=1, allow_nan=False) + '\n')
else:
    print(json.dumps(outputs, allow_nan=False))
