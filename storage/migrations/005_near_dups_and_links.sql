-- Near-duplicates: each document's SimHash (podium/near_dups.py); documents.near_dup_of (001)
-- names the first-archived copy. Links: a readable view of statement_links in both directions.
ALTER TABLE documents ADD COLUMN simhash BIGINT;

CREATE VIEW v_statement_links AS
SELECT
    l.statement_id        AS quote_id,
    q.date                AS quote_date,
    q.speaker,
    q.source_id           AS quote_source,
    q.url                 AS quote_url,
    q.text                AS quote,
    l.source_statement_id AS answer_id,
    a.date                AS answer_date,
    a.source_id           AS answer_source,
    a.url                 AS answer_url,
    a.question,
    a.text                AS answer,
    l.score
FROM statement_links l
JOIN v_statements q ON q.statement_id = l.statement_id
JOIN v_statements a ON a.statement_id = l.source_statement_id;
