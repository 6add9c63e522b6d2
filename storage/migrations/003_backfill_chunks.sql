-- Backfills run in date chunks; each finished chunk is recorded so an interrupted backfill
-- resumes where it stopped instead of starting over.
CREATE TABLE backfill_chunks (
    backfill_id VARCHAR NOT NULL,       -- sources + the whole range: the same request resumes
    source_id   VARCHAR NOT NULL,
    since       DATE NOT NULL,
    until       DATE NOT NULL,
    run_id      VARCHAR,
    finished_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (backfill_id, source_id, since)
);
