-- The archive: raw pages, the documents and statements extracted from them, and what went wrong.
-- Ids are deterministic (hashes of URLs and contents), so loading the same input twice is a no-op.
-- No foreign-key constraints: DuckDB cannot update or delete rows that others reference, and the
-- loader replaces a document's statements as a unit; referential checks live in the tests.

CREATE TABLE sources (
    source_id   VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    country     VARCHAR,
    institution VARCHAR,
    kind        VARCHAR,
    language    VARCHAR,
    base_url    VARCHAR,
    enabled     BOOLEAN
);

CREATE TABLE crawl_runs (
    run_id        VARCHAR PRIMARY KEY,
    flow_run_id   VARCHAR,
    flow          VARCHAR,
    started_at    TIMESTAMPTZ,
    finished_at   TIMESTAMPTZ,
    status        VARCHAR,          -- running | completed | failed
    sources       VARCHAR[],
    pages_fetched INTEGER,
    pages_new     INTEGER,
    pages_revised INTEGER,
    pages_unchanged INTEGER,
    documents     INTEGER,
    statements    INTEGER,
    errors        INTEGER
);

CREATE TABLE pages (
    page_id       VARCHAR PRIMARY KEY,  -- sha1(canonical_url, content_hash)
    source_id     VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    canonical_url VARCHAR NOT NULL,
    final_url     VARCHAR,
    page_kind     VARCHAR NOT NULL,     -- listing | detail
    run_id        VARCHAR,
    fetched_at    TIMESTAMPTZ,
    http_status   INTEGER,
    content_type  VARCHAR,
    headers       JSON,
    listing       JSON,                 -- where the page was linked from, and its neighbours there
    content_hash  VARCHAR NOT NULL,     -- sha256 of the raw body
    revision      INTEGER NOT NULL,     -- 1, 2, … per canonical_url as its content changes
    body_gz       BLOB NOT NULL,        -- the raw body, gzip-compressed, exactly as served
    UNIQUE (canonical_url, content_hash)
);

CREATE TABLE documents (
    doc_id       VARCHAR PRIMARY KEY,   -- one per canonical URL; points at its latest revision
    page_id      VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    url          VARCHAR NOT NULL,
    doc_type     VARCHAR,
    title        VARCHAR,
    published_at DATE,
    date_basis   VARCHAR,               -- see podium/dates.py
    date_latest  DATE,                  -- set when the date is only known to lie in a range
    language     VARCHAR,
    authors      VARCHAR[],
    text         VARCHAR,
    text_hash    VARCHAR,
    near_dup_of  VARCHAR,
    encoding     VARCHAR,
    extractor    VARCHAR,
    extracted_at TIMESTAMPTZ
);

CREATE TABLE speakers (
    speaker_id  VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    role        VARCHAR,                -- the latest role in the registry
    institution VARCHAR,
    country     VARCHAR,
    "from"      DATE,
    "to"        DATE
);

CREATE TABLE speaker_roles (
    speaker_id  VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,
    institution VARCHAR,
    "from"      DATE,
    "to"        DATE
);

CREATE TABLE speaker_aliases (
    alias      VARCHAR NOT NULL,
    speaker_id VARCHAR NOT NULL,
    PRIMARY KEY (alias, speaker_id)
);

CREATE TABLE statements (
    statement_id   VARCHAR PRIMARY KEY, -- <doc_id>-<seq>
    doc_id         VARCHAR NOT NULL,
    seq            INTEGER NOT NULL,
    speaker_id     VARCHAR,
    speaker_raw    VARCHAR,
    role           VARCHAR,
    institution    VARCHAR,
    country        VARCHAR,
    statement_date DATE,
    date_basis     VARCHAR,
    kind           VARCHAR NOT NULL,    -- answer | opening_remarks | direct_quote | indirect | press_statement
    text           VARCHAR NOT NULL,
    question       VARCHAR,
    questioner     VARCHAR,
    char_start     INTEGER,             -- offsets of the text in documents.text
    char_end       INTEGER,
    language       VARCHAR
);

CREATE TABLE statement_links (
    statement_id        VARCHAR NOT NULL,
    source_statement_id VARCHAR NOT NULL,
    score               DOUBLE,
    PRIMARY KEY (statement_id, source_statement_id)
);

CREATE SEQUENCE crawl_error_ids;

CREATE TABLE crawl_errors (
    error_id    BIGINT PRIMARY KEY DEFAULT nextval('crawl_error_ids'),
    run_id      VARCHAR,
    source_id   VARCHAR,
    url         VARCHAR,
    stage       VARCHAR NOT NULL,       -- fetch | load | extract
    error       VARCHAR NOT NULL,
    http_status INTEGER,
    page_id     VARCHAR,
    listing     JSON,                   -- where the URL was listed, so a retry can still date it
    occurred_at TIMESTAMPTZ NOT NULL    -- ("at" is reserved in DuckDB)
);

CREATE VIEW v_statements AS
SELECT
    s.statement_id,
    s.statement_date AS date,
    coalesce(sp.name, s.speaker_raw) AS speaker,
    s.role,
    s.institution,
    s.country,
    s.kind,
    s.questioner,
    s.question,
    s.text,
    s.seq,
    d.title,
    d.url,
    d.source_id,
    d.date_basis,
    s.language,
    s.doc_id,
    s.speaker_id
FROM statements s
JOIN documents d USING (doc_id)
LEFT JOIN speakers sp USING (speaker_id)
WHERE d.near_dup_of IS NULL;

CREATE VIEW v_daily_counts AS
SELECT date, source_id, speaker, count(*) AS statements
FROM v_statements
GROUP BY ALL;
