"""Command line: ``python -m pipeline extract|eval|lodo|rules-check|report|xlsx``.

Exit status: 0 when every input was processed or recorded in ``errors``;
2 for bad arguments, 3 for unusable rules, 4 when the output cannot be written,
5 when the run finished but some input failed with ``internal_error`` (the
tables are written), 130/143 when stopped by SIGINT/SIGTERM (the previous
outputs are left as they were).
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path

EXIT_OK, EXIT_USAGE, EXIT_RULES, EXIT_OUTPUT, EXIT_INTERNAL = 0, 2, 3, 4, 5
EXIT_SIGINT, EXIT_SIGTERM = 128 + signal.SIGINT, 128 + signal.SIGTERM


class Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so that writers and workers are cleaned up on the way out."""


def _on_sigterm(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)   # once: the cleanup must not be interrupted again
    raise Terminated()


def _cmd_extract(args: argparse.Namespace) -> int:
    from .extract.rules import RuleError
    from .run.runner import run_extract
    from .stages.ingest import is_url
    input_dir, output_dir = Path(args.input), Path(args.output)
    if is_url(args.input):          # a folder URL (s3://, gs://, file://): the Dask workers read it
        input_dir = args.input
        if args.engine != "dask":
            print(f"error: --input {args.input} is a URL, which only --engine dask reads", file=sys.stderr)
            return EXIT_USAGE
    elif not input_dir.is_dir():
        print(f"error: --input {input_dir} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(output_dir, os.W_OK):
            raise PermissionError(f"{output_dir} is not writable")
    except OSError as exc:
        print(f"error: cannot write to --output {output_dir}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    if args.workers is not None and args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.scheduler and args.engine != "dask":
        print("error: --scheduler goes with --engine dask", file=sys.stderr)
        return EXIT_USAGE
    if args.time_budget < 0 or args.memory_budget < 1 or args.max_docx_mb < 1:
        print("error: --time-budget must be ≥ 0 (0: none), --memory-budget and --max-docx-mb ≥ 1",
              file=sys.stderr)
        return EXIT_USAGE
    from .run.budget import Budget
    from .stages.ingest import IngestOptions
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        summary = run_extract(input_dir, output_dir, Path(args.rules), engine=args.engine,
                              workers=args.workers, scheduler=args.scheduler,
                              incremental=not args.no_incremental,
                              budget=Budget(seconds=args.time_budget, memory_mb=args.memory_budget),
                              ingest=IngestOptions(follow_symlinks=args.follow_symlinks,
                                                   max_docx_bytes=args.max_docx_mb << 20))
    except KeyboardInterrupt:
        print("interrupted: no table was changed", file=sys.stderr)
        return EXIT_SIGINT
    except Terminated:
        print("terminated: no table was changed", file=sys.stderr)
        return EXIT_SIGTERM
    except RuleError as exc:
        print(f"error: bad rule file: {exc}", file=sys.stderr)
        return EXIT_RULES
    except NotADirectoryError as exc:     # a URL --input that is no folder, or fsspec missing
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"error: cannot write outputs to {output_dir}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(summary.format(), file=sys.stderr)
    status = EXIT_INTERNAL if summary.n_internal_errors else EXIT_OK
    if not args.no_publish:
        from .tables.publish import publish

        try:  # derived from the committed parquet tables: policy.duckdb, DATA_DICTIONARY.md
            written = publish(output_dir)
        except Exception as exc:  # the parquet tables stand; say what is missing
            print(f"error: tables written, but not the DuckDB file / data dictionary: "
                  f"{type(exc).__name__}: {exc}", file=sys.stderr)
            return EXIT_OUTPUT
        print("also wrote " + ", ".join(str(p) for p in written), file=sys.stderr)
    return status


def _has_tables(input_dir: Path) -> bool:
    """The folder holds an extraction's tables; else say how to make them."""
    if (input_dir / "documents.parquet").is_file():
        return True
    print(f"error: {input_dir / 'documents.parquet'} not found: run `python -m pipeline extract` first",
          file=sys.stderr)
    return False


def _cmd_xlsx(args: argparse.Namespace) -> int:
    from .tables.publish import XLSX_NAME, write_xlsx

    input_dir = Path(args.input)
    if not _has_tables(input_dir):
        return EXIT_USAGE
    output = Path(args.output) if args.output else input_dir / XLSX_NAME
    try:
        result = write_xlsx(input_dir, output)
    except OSError as exc:
        print(f"error: cannot write {output}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    cut = sum(1 for n in result["notes"] if n[3] == "truncated")
    print(f"wrote {output}: {len(result['sheets'])} table sheet(s), {cut} cell(s) truncated "
          f"(listed on the notes sheet)", file=sys.stderr)
    return EXIT_OK


def _cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation.evaluate import evaluate, format_misses, format_report
    from .tables.export import write_json, write_text

    result = evaluate(Path(args.predicted), Path(args.gold))
    print(format_report(result))
    if args.output:
        output = Path(args.output)
        write_json(result, output)
        # the misses, for a person: beside the JSON (eval.json → eval.misses.md)
        write_text(format_misses(result), output.with_suffix(".misses.md"))
    return EXIT_OK


def _cmd_lodo(args: argparse.Namespace) -> int:
    from .evaluation.lodo import format_lodo, run_lodo
    from .tables.export import write_json

    input_dir = Path(args.input)
    if not input_dir.is_dir():
        print(f"error: --input {input_dir} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    result = run_lodo(input_dir, Path(args.gold), Path(args.rules))
    print(format_lodo(result))
    if args.output:
        write_json(result, Path(args.output))
    return EXIT_OK


def _cmd_rules_check(args: argparse.Namespace) -> int:
    from .extract import Extractors
    from .extract.rules import RuleError, check_rule
    from .rulebook import RuleBook
    from .stages.normalize import VOCABULARY_FILE, check_vocabulary

    try:
        # what a run loads, with each reader's own checks: every rule file, the boilerplate vocabulary,
        # sites, places, divisions, units, aliases, gazetteers; a folder that passes cannot fail `extract`
        book = RuleBook.load(Path(args.rules))
    except (RuleError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_RULES
    rulesets = book.rulesets()
    extractors = Extractors.from_rulebook(book)
    # rules and word lists ([words.NAME]) alike carry examples and counterexamples
    failures = [msg for rs in rulesets.values() for rule in (*rs, *rs.lists.values()) for msg in check_rule(rule)]
    failures += check_vocabulary(book)
    n_rules = sum(len(rs) for rs in rulesets.values())
    for msg in failures:
        print(msg, file=sys.stderr)
    print(f"{n_rules} rules in {len(rulesets)} files and the vocabulary {VOCABULARY_FILE}: "
          f"{len(failures)} failing example(s)")
    spec_failures: list[str] = []
    if args.specs and Path(args.specs).is_dir():
        from .evaluation.specs import run_specs
        try:
            n_cases, spec_failures = run_specs(Path(args.specs), extractors)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_RULES
        for msg in spec_failures:
            print(msg, file=sys.stderr)
        print(f"{n_cases} behaviour cases in {args.specs}: {len(spec_failures)} failing")
    return EXIT_RULES if failures or spec_failures else EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from .tables.report import ReportOutputError, build_report

    input_dir = Path(args.input)
    if not _has_tables(input_dir):
        return EXIT_USAGE
    output_dir = Path(args.output) if args.output else input_dir / "report"
    try:
        summary = build_report(input_dir, output_dir)
    except ReportOutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"error: cannot write the report to {output_dir}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    print(f"report: {summary['documents']} document page(s), {summary['spans']} highlighted span(s), "
          f"{summary['offset_problems']} offset problem(s) → {output_dir / 'index.html'}", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from . import DEFAULT_RULES_DIR, DEFAULT_SPECS_DIR
    from .run.budget import Budget
    from .stages.ingest import DEFAULT_MAX_DOCX_BYTES

    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log debugging detail to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="run the pipeline on a folder of policy files")
    p.add_argument("--input", required=True, help="folder of input files (read recursively); with --engine dask also a "
                   "folder URL (s3://bucket/prefix, gs://…, file://…) the workers read through fsspec")
    p.add_argument("--output", required=True, help="folder for the parquet tables and manifest.json")
    p.add_argument("--rules", default=str(DEFAULT_RULES_DIR), help="rules folder (default: the project's rules/, or the copy installed with the package)")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local: a process pool on this machine; dask: dask.distributed")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: number of cores)")
    p.add_argument("--scheduler", default=None, help="dask scheduler address (default: start a LocalCluster)")
    p.add_argument("--no-incremental", action="store_true",
                   help="re-process every input even when it, the rules and the pipeline are unchanged")
    p.add_argument("--no-publish", action="store_true",
                   help="write only the parquet tables and manifest (not policy.duckdb, DATA_DICTIONARY.md)")
    p.add_argument("--time-budget", type=float, default=Budget().seconds, metavar="SECONDS",
                   help="wall time one document may take, all stages; over it the document becomes a "
                        "'timeout' errors row (default: %(default)g; 0: no limit)")
    p.add_argument("--memory-budget", type=int, default=Budget().memory_mb, metavar="MB",
                   help="memory a worker may take for one document; over it the document becomes a "
                        "'too_large' errors row (default: %(default)d)")
    p.add_argument("--max-docx-mb", type=int, default=DEFAULT_MAX_DOCX_BYTES >> 20, metavar="MB",
                   help="largest decompressed size of a .docx (default: %(default)d)")
    p.add_argument("--follow-symlinks", action="store_true",
                   help="read files behind symbolic links that lead out of the input folder (default: "
                        "record them in errors, unread)")
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("eval", help="score extracted tables against gold annotations")
    p.add_argument("--predicted", default="extracted")
    p.add_argument("--gold", default="tests/gold")
    p.add_argument("--output", default=None, help="write the full result as JSON here")
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("lodo", help="leave-one-document-out recall of the entities extractor")
    p.add_argument("--input", default="raw", help="folder of the gold documents")
    p.add_argument("--gold", default="tests/gold")
    p.add_argument("--rules", default=str(DEFAULT_RULES_DIR))
    p.add_argument("--output", default=None, help="write the full result as JSON here")
    p.set_defaults(func=_cmd_lodo)

    p = sub.add_parser("rules-check", help="validate every rule file, run its examples and the behaviour specs")
    p.add_argument("--rules", default=str(DEFAULT_RULES_DIR))
    p.add_argument("--specs", default=str(DEFAULT_SPECS_DIR),
                   help="folder of behaviour cases (<table>.jsonl); skipped when it does not exist")
    p.set_defaults(func=_cmd_rules_check)

    p = sub.add_parser("report", help="write a static HTML review report of extracted tables")
    p.add_argument("--input", default="extracted", help="folder of extracted parquet tables")
    p.add_argument("--output", default=None, help="report folder (default: INPUT/report), replaced as a whole")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("xlsx", help="write the extracted tables as one Excel workbook (a sheet per table)")
    p.add_argument("--input", default="extracted", help="folder of extracted parquet tables")
    p.add_argument("--output", default=None, help="workbook path (default: INPUT/policy.xlsx)")
    p.set_defaults(func=_cmd_xlsx)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad arguments, 0 on --help
        return int(exc.code or 0)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
