"""The AWS CLI for many commands in one process: each line on stdin is one command's arguments (a JSON list), run by
the CLI's own driver exactly as the `aws` entry script runs it (awscli.clidriver: a fresh driver and botocore session
per command); each answer is one JSON line {"code", "stdout", "stderr"}. Python and the CLI's modules load once, not
once per command (~0.5 -> ~0.1 CPU-s a command)."""
import contextlib
import io
import json
import os
import sys

# As the `aws` entry script does before it imports the driver.
if os.environ.get('LC_CTYPE', '') == 'UTF-8':
    os.environ['LC_CTYPE'] = 'en_US.UTF-8'
from awscli.clidriver import create_clidriver

answers = sys.stdout
answers.write(json.dumps({'ready': True}) + '\n')
answers.flush()
for line in sys.stdin:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = create_clidriver().main(json.loads(line))
        except SystemExit as exit:
            # argparse's usage errors and --version end the command by SystemExit, as they end the `aws` process.
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    answers.write(json.dumps({'code': code, 'stdout': stdout.getvalue(), 'stderr': stderr.getvalue()}) + '\n')
    answers.flush()
