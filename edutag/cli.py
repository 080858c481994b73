"""The command line: a thin layer over the public API (`edutag --help`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from edutag.defaults import BATCH_CHARS, TEXT_COLUMN
from edutag.errors import EdutagError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Tag Chinese education-administration documents with policy themes.")
labels_app = typer.Typer(no_args_is_help=True, help="Work with labelled CSVs.")
app.add_typer(labels_app, name="labels")
err = Console(stderr=True, soft_wrap=True)  # messages name paths: never wrap them
out = Console()

CorpusOption = typer.Option(None, "--corpus", help="Folder that stand-off labels point into "
                            "[default: $EDUTAG_CORPUS or ../shared/corpus].")
ModelOption = typer.Option(None, "--model", "-m", help="Model folder [default: the shipped model].")


def _fail(error: Exception, code: int = 1):
    err.print(f"[red]Error:[/red] {error}", highlight=False)
    raise typer.Exit(code)


def _load(model: Optional[Path]):
    from edutag.model import Tagger

    try:
        return Tagger.load(model)
    except EdutagError as e:
        _fail(e)


@app.command()
def tag(
    inputs: list[Path] = typer.Argument(..., help="Files, folders, .zip or .tar.gz archives."),
    output: Path = typer.Option(..., "--output", "-o", help="Where the tagged paragraphs go."),
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl or csv (UTF-8 with BOM, for Excel)."),
    model: Optional[Path] = ModelOption,
    jobs: int = typer.Option(0, "--jobs", "-j", help="Worker processes [default: all cores]."),
    text_column: str = typer.Option(TEXT_COLUMN, help="Column holding the text in .csv/.jsonl inputs."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run of the same "
                                "command: files it finished are kept, not tagged again."),
    batch_chars: int = typer.Option(BATCH_CHARS, "--batch-chars", min=1000, help="Characters tagged "
                                    "per batch; memory per process grows with it."),
):
    """Tag every paragraph of INPUTS; a per-file report goes to OUTPUT.files.jsonl and the
    boilerplate left out (page counters, 相关推荐 lists, …) to OUTPUT.dropped.jsonl.

    Exit code 0 when every file was tagged or skipped, 1 when any failed. An interrupted run
    leaves OUTPUT untouched; run the same command with --resume to continue it.

    Example: edutag tag examples/bureau-reports.zip -o tagged.jsonl
    """
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

    from edutag.batch import default_jobs
    from edutag.output import FORMATS, ParagraphWriter, report_path

    if fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r}: choose one of {', '.join(FORMATS)}", param_hint="--format")
    tagger = _load(model)
    jobs = jobs or default_jobs()
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                        TextColumn("{task.fields[files]} files, {task.fields[paras]} paragraphs"),
                        console=err, transient=True)
    try:
        writer = _tag_into(ParagraphWriter(output, fmt, resume=resume), progress, tagger, inputs,
                           jobs, text_column, batch_chars)
    except KeyboardInterrupt:
        err.print(f"interrupted: {output} was not written; run the same command with --resume "
                  "to continue where it stopped", highlight=False)
        raise typer.Exit(130)
    c = writer.counts
    err.print(f"{c['tagged']} files tagged, {c['skipped']} skipped, {c['failed']} failed; "
              f"{writer.paragraphs} paragraphs → {output} (report: {report_path(output)})",
              highlight=False)
    raise typer.Exit(1 if c["failed"] else 0)


def _tag_into(writer, progress, tagger, inputs, jobs, text_column, batch_chars):
    """Stream tagged paragraphs and file reports into `writer`, showing progress."""
    from edutag.batch import DroppedSpan, tag_inputs
    from edutag.ingest import FileReport

    with progress, writer:
        task = progress.add_task("tagging", total=None, files=0, paras=0)
        for event in tag_inputs(tagger, inputs, jobs=jobs, text_column=text_column,
                                batch_chars=batch_chars, skip=writer.done, dropped=True):
            if isinstance(event, FileReport):
                writer.report(event)
                if event.status == "failed":
                    progress.console.print(f"[yellow]failed:[/yellow] {event.file}: {event.reason}",
                                           highlight=False)
            elif isinstance(event, DroppedSpan):
                writer.write_dropped(event)
                continue
            else:
                writer.write(event)
                if writer.paragraphs % 500:
                    continue
            progress.update(task, files=sum(writer.counts.values()), paras=writer.paragraphs)
    return writer


@app.command()
def train(
    csvs: list[Path] = typer.Argument(..., help="Labelled CSVs: text,labels or doc,start,end,labels."),
    output: Path = typer.Option(..., "--output", "-o", help="Model folder to write."),
    test: list[Path] = typer.Option([], "--test", help="Held-out labelled CSVs to score after training."),
    corpus: Optional[Path] = CorpusOption,
    cv: int = typer.Option(5, help="Cross-validation folds for thresholds and scores (0: none)."),
):
    """Train a model on labelled CSVs and print its cross-validated scores.

    Example: edutag train data/labels/train.csv -o models/default --test data/labels/test.csv
    """
    from edutag.train import train as fit

    try:
        result = fit(csvs, corpus=corpus, test_paths=test, out=output, cv=cv)
    except EdutagError as e:
        _fail(e)
    out.print(f"trained on {result.examples} units → {output}")
    for name, s in (("cross-validated", result.cross_validated), ("test", result.test)):
        if s:
            _print_scores(s, name)


@app.command()
def evaluate(
    csvs: list[Path] = typer.Argument(..., help="Labelled CSVs to score the model on."),
    model: Optional[Path] = ModelOption,
    corpus: Optional[Path] = CorpusOption,
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the scores as JSON here."),
):
    """Score a model on labelled CSVs: micro, macro and per-label P/R/F1, exact-set accuracy.

    Example: edutag evaluate data/labels/test.csv --json scores.json
    """
    from edutag.train import evaluate as run

    tagger = _load(model)
    try:
        s = run(tagger, csvs, corpus=corpus)
    except EdutagError as e:
        _fail(e)
    _print_scores(s, "evaluation")
    if json_out:
        json_out.write_text(json.dumps(s, indent=2) + "\n", encoding="utf-8")


@app.command()
def explain(
    text: str = typer.Argument(..., help="One paragraph."),
    model: Optional[Path] = ModelOption,
    top: int = typer.Option(8, help="Terms shown per theme."),
):
    """Show the themes of TEXT and the terms that pushed each one.

    Example: edutag explain "开展防溺水专题教育，组织地震疏散演练"
    """
    tagger = _load(model)
    reasons = tagger.explain(text, top=top)
    scores = tagger.predict_proba([text])[0]
    if not reasons:
        out.print("no theme")
    for label, terms in reasons.items():
        out.print(f"[bold]{label}[/bold] {scores[label]:.2f}: "
                  + ", ".join(f"{t} {w:+.2f}" for t, w in terms), highlight=False)


@labels_app.command("check")
def labels_check(
    paths: list[Path] = typer.Argument(None, help="Labelled CSVs or folders [default: data/labels]."),
    corpus: Optional[Path] = CorpusOption,
):
    """Validate labelled CSVs and print counts per theme and per source.

    Example: edutag labels check data/labels --corpus ../shared/corpus
    """
    from edutag.labels import check_labelled, theme_ids

    files = []
    for p in paths or [Path("data/labels")]:
        files.extend(sorted(f for f in p.glob("*.csv") if f.name != "themes.csv") if p.is_dir() else [p])
    report = check_labelled(files, corpus)
    table = Table("theme", "units")
    for label in theme_ids():
        table.add_row(label, str(report.per_theme[label]))
    table.add_row("(none)", str(report.no_theme))
    out.print(table)
    sources = Table("source", "units")
    for source, n in report.per_source.most_common():
        sources.add_row(source, str(n))
    out.print(sources)
    for problem in report.problems:
        err.print(f"[red]problem:[/red] {problem}", highlight=False)
    out.print(f"{report.units} units in {len(files)} files, {len(report.problems)} problems")
    raise typer.Exit(1 if report.problems else 0)


def _print_scores(s: dict, title: str):
    table = Table("label", "P", "R", "F1", "support", title=title)
    for label, v in s["per_label"].items():
        table.add_row(label, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}",
                      str(v["support"]))
    for avg in ("micro", "macro"):
        v = s[avg]
        table.add_row(avg, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}", "")
    out.print(table)
    out.print(f"exact-set accuracy {s['exact']:.3f} on {s['units']} units")


def main():  # pragma: no cover - the console script
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted; no partial output was kept")
        sys.exit(130)
