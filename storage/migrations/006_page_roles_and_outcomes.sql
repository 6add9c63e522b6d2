-- A failed fetch keeps the role its request had (start: a first listing page; listing; detail), so
-- a failed listing is never retried as a detail page; rows from before this migration have none.
ALTER TABLE crawl_errors ADD COLUMN page_kind VARCHAR;

-- Each source's outcome in a run: ok, partial (some pages failed) or failed (its listing failed,
-- its layout changed, its crawl broke, or it fetched nothing and recorded errors).
CREATE TABLE run_sources (
    run_id        VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    outcome       VARCHAR NOT NULL,     -- ok | partial | failed
    pages_fetched INTEGER NOT NULL,
    errors        INTEGER NOT NULL,
    reason        VARCHAR,              -- why it is not ok, in words
    PRIMARY KEY (run_id, source_id)
);

-- Why a run ended as it did (the failed sources, or the exception), and when its cross-document
-- step (near-duplicates, links) committed: a run that failed for its sources still did that step,
-- so only runs without it leave documents for the next run to link.
ALTER TABLE crawl_runs ADD COLUMN reason VARCHAR;
ALTER TABLE crawl_runs ADD COLUMN linked_at TIMESTAMPTZ;
UPDATE crawl_runs SET linked_at = finished_at WHERE status = 'completed';
