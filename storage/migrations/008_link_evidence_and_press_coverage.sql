-- A link says how it was made (method, see podium/quote_links.py: same_language, the quote's
-- words found in the answer; shared_words, a paraphrase's telling words; cross_language, an
-- English quote matched to a Chinese answer through dictionary glosses and the names both give;
-- paired_transcript, the twin in the other language of a linked answer) and why (evidence: the
-- shared words, names and numbers, as JSON). Links made before this migration are all
-- same_language.
ALTER TABLE statement_links ADD COLUMN method VARCHAR;
ALTER TABLE statement_links ADD COLUMN evidence JSON;
UPDATE statement_links SET method = 'same_language' WHERE method IS NULL;

CREATE OR REPLACE VIEW v_statement_links AS
SELECT
    l.statement_id        AS quote_id,
    q.date                AS quote_date,
    q.speaker,
    q.source_id           AS quote_source,
    q.url                 AS quote_url,
    q.text                AS quote,
    q.language            AS quote_language,
    l.source_statement_id AS answer_id,
    a.date                AS answer_date,
    a.source_id           AS answer_source,
    a.url                 AS answer_url,
    a.question,
    a.text                AS answer,
    a.language            AS answer_language,
    l.score,
    l.method,
    l.evidence
FROM statement_links l
JOIN v_statements q ON q.statement_id = l.statement_id
JOIN v_statements a ON a.statement_id = l.source_statement_id;

-- How the press reported each briefing answer: one row per answer and report quoting it, with
-- the outlet (the report's host), the report's publication date, the quote as printed and the
-- link's score; `reports` counts the reports quoting that answer.
--   SELECT answer_date, speaker, reports, outlet, quote FROM v_press_coverage
--   ORDER BY reports DESC, answer_date;
CREATE OR REPLACE VIEW v_press_coverage AS
SELECT
    a.statement_id AS answer_id,
    a.date         AS answer_date,
    a.speaker,
    a.source_id    AS answer_source,
    a.url          AS answer_url,
    a.language     AS answer_language,
    a.question,
    a.text         AS answer,
    count(DISTINCT q.doc_id) OVER (PARTITION BY a.statement_id) AS reports,
    regexp_extract(q.url, '^[a-z]+://(?:www\.)?([^/:?#]+)', 1) AS outlet,
    d.published_at AS published,
    q.statement_id AS quote_id,
    q.date         AS quote_date,
    q.kind         AS quote_kind,
    q.text         AS quote,
    q.url          AS report_url,
    l.score,
    l.method
FROM statement_links l
JOIN v_statements a ON a.statement_id = l.source_statement_id
JOIN v_statements q ON q.statement_id = l.statement_id
JOIN documents d ON d.doc_id = q.doc_id;
