"""Article-extraction benchmark: podium's extractor against newspaper4k alone and trafilatura alone,
on the same pages in the same run, with no network (a socket guard refuses every connection).

The folder holds `<id>.html.gz` pages and a `ground-truth.json` of `{id: {"articleBody", "url"}}`,
as in scrapinghub/article-extraction-benchmark. Scores follow that benchmark's own metric: each
text becomes its word tokens (runs of \\w), then overlapping 4-token shingles counted as a multiset;
per page, true/false positives and false negatives are normalised by their sum so that every page
weighs the same; precision and recall are averaged over the pages, and F1 is their harmonic mean.

    .venv/bin/python bench/extraction.py [DIR] [--limit N] [--metadata]

DIR defaults to the scrapinghub pages podium's rules were chosen on (dev). Pages no rule was
written for are in the same layout in /work/shared/unseen-extraction: `tune/` to look at while
changing a rule, `unseen/` only to score the result (L3S-GN1 news pages; see its PROVENANCE.md).
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import re
import socket
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DIR = ROOT.parent / "shared" / "corpus" / "extraction-benchmark" / "dev"
SHINGLE = 4
TOKEN = re.compile(r"\w+")


# -- the benchmark's metric ----------------------------------------------------------------------

def shingles(text: str, size: int = SHINGLE) -> Counter:
    """Counts of the text's overlapping `size`-token runs (a text shorter than that is one run)."""
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + size]) for i in range(max(1, len(tokens) - size + 1))
                   if tokens[i:i + size])


def page_counts(truth: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page's shingles, normalised to sum to 1 (all 0 when both are empty)."""
    true, pred = shingles(truth), shingles(predicted)
    tp, fp, fn = sum((true & pred).values()), sum((pred - true).values()), sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _ratio(hit: float, miss: float, other_miss: float) -> float:
    # A page with neither kind of miss is perfect, whatever its size.
    return 1.0 if miss == other_miss == 0 else hit / (hit + miss)


def scores(counts: Iterable[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(precision, recall, F1): precision averaged over pages that predicted something, recall over
    pages whose truth has something, F1 the harmonic mean of the two averages."""
    counts = list(counts)
    precision = statistics.mean([_ratio(tp, fp, fn) for tp, fp, fn in counts if tp + fp > 0] or [0.0])
    recall = statistics.mean([_ratio(tp, fn, fp) for tp, fp, fn in counts if tp + fn > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# -- pages and extractors ------------------------------------------------------------------------

class Page(NamedTuple):
    page_id: str
    url: str
    html: str
    truth: str


def load_pages(folder: Path, limit: int | None = None) -> list[Page]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit] if limit else sorted(truth)
    return [Page(i, truth[i].get("url", ""), gzip.decompress((folder / f"{i}.html.gz").read_bytes())
                 .decode("utf-8", errors="replace"), truth[i].get("articleBody", "")) for i in ids]


def podium_text(html: str, url: str) -> str:
    from podium.articles import body_text

    return body_text(html, url)


def trafilatura_text(html: str, url: str) -> str:
    import trafilatura

    # As the benchmark runs it: defaults, without comments.
    return trafilatura.extract(html, url=url, include_comments=False) or ""


def newspaper_text(html: str, url: str) -> str:
    from newspaper import Article

    article = Article(url, fetch_images=False)  # with images on, it downloads them
    try:
        article.download(input_html=html)
        article.parse()
    except Exception:  # e.g. a language whose tokenizer is not installed: an empty answer
        return ""
    return article.text or ""


EXTRACTORS: dict[str, Callable[[str, str], str]] = {
    "podium": podium_text, "newspaper4k": newspaper_text, "trafilatura": trafilatura_text,
}


class NetworkUsed(RuntimeError):
    """An extractor tried to open a connection during a benchmark run."""


@contextlib.contextmanager
def no_network():
    """Refuse every socket connection: parsing a stored page must never reach the network."""
    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network access attempted: {args[1:] or kwargs}")

    saved = socket.socket.connect, socket.socket.connect_ex, socket.create_connection
    socket.socket.connect = socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex, socket.create_connection = saved


def evaluate(pages: list[Page], names: Iterable[str] = EXTRACTORS) -> list[tuple[str, float, float, float, float]]:
    """(extractor, precision, recall, F1, pages/s) for each extractor, all on the same pages.

    The extractors take turns page by page, so that a busy machine slows them all alike; only the
    extraction calls are timed, after one warm-up call each (first-call imports are not extraction)."""
    names = list(names)
    texts = {name: [] for name in names}
    seconds = dict.fromkeys(names, 0.0)
    with no_network():
        for name in names:
            EXTRACTORS[name](pages[0].html, pages[0].url)
        for page in pages:
            for name in names:
                started = time.perf_counter()
                texts[name].append(EXTRACTORS[name](page.html, page.url))
                seconds[name] += time.perf_counter() - started
    return [(name, *scores(page_counts(p.truth, t) for p, t in zip(pages, texts[name])),
             len(pages) / seconds[name]) for name in names]


# -- metadata (dates, languages) of podium's full extraction ---------------------------------------

def metadata_counts(pages: list[Page]) -> tuple[Counter, Counter]:
    """How podium's extract_article dates the pages (by date basis) and which languages it finds."""
    from podium.articles import extract_article
    from podium.extract import StoredPage
    from podium.settings import settings
    from podium.speakers import registry

    source = next(s for s in settings().sources if s.format == "article" and s.kind == "news")
    bases, languages = Counter(), Counter()
    with no_network():
        for page in pages:
            stored = StoredPage("bench", source.key, page.url, page.html.encode("utf-8"), "text/html", None)
            document = extract_article(stored, source, registry()).document
            bases[document.date_basis] += 1
            languages[document.language] += 1
    return bases, languages


def measure(folder: Path = DEFAULT_DIR, limit: int | None = None) -> list[dict] | None:
    """Rows of {extractor, precision, recall, F1, pages/s, pages}, or None when the benchmark's
    pages are not there (they live outside this repository)."""
    if not (folder / "ground-truth.json").is_file():
        return None
    pages = load_pages(folder, limit)
    return [{"extractor": name, "precision": p, "recall": r, "F1": f1, "pages/s": rate, "pages": len(pages)}
            for name, p, r, f1, rate in evaluate(pages)]


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--limit", type=int, help="only the first N pages (by id)")
    parser.add_argument("--metadata", action="store_true", help="also count date bases and languages")
    args = parser.parse_args()
    console = Console()
    rows = measure(args.folder, args.limit)
    if rows is None:
        console.print(f"skipped: no extraction benchmark at {args.folder} (ground-truth.json missing)")
        return
    table = Table(title=f"Article extraction, {rows[0]['pages']} pages of {args.folder}")
    for column in ("extractor", "precision", "recall", "F1", "pages/s"):
        table.add_column(column, justify="left" if column == "extractor" else "right")
    for r in rows:
        table.add_row(r["extractor"], f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['F1']:.3f}",
                      f"{r['pages/s']:.1f}")
    console.print(table)
    if args.metadata:
        bases, languages = metadata_counts(load_pages(args.folder, args.limit))
        console.print("date basis:", dict(bases.most_common()))
        console.print("language:", dict(languages.most_common()))


if __name__ == "__main__":
    main()
