-- v_statements.date_basis is the statement's own basis (statements.date_basis): it says how
-- `date` was found, which for a news quote is not how its article was dated. The document's
-- basis stays in documents.date_basis. Every basis is listed in docs/sql.md ("Dates").
--
-- Mentions are also found in the question a statement answers: statement_mentions.found_in
-- says where, "text" (the statement's own words) or "question"; the offsets count in that
-- column of statements. Rows from before this migration are all in the text (the default);
-- the reprocess flow finds the questions' mentions of an older archive.
--
-- v_mentions is now one row per statement and entity (it was one row per mention, so a
-- statement naming NATO six times came back six times): `mentions` and `question_mentions`
-- count them, `in_text` / `in_question` say where, `surface` is the first way it is written.
-- Each mention with its offsets is a row of statement_mentions.

ALTER TABLE statement_mentions ADD COLUMN found_in VARCHAR DEFAULT 'text';

CREATE OR REPLACE VIEW v_statements AS
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
    s.date_basis,
    s.language,
    s.doc_id,
    s.speaker_id
FROM statements s
JOIN documents d USING (doc_id)
LEFT JOIN speakers sp USING (speaker_id)
WHERE d.near_dup_of IS NULL;

-- "Every statement of the China MFA spokesperson in 2019 where NATO comes up, in the answer or
-- in the question":
--   SELECT date, speaker, question, text FROM v_mentions
--   WHERE entity_id = 'org:nato' AND source_id IN ('fmprc_en', 'fmprc_zh') AND year(date) = 2019;
-- Only the spokesperson's own words: add `AND in_text`.
CREATE OR REPLACE VIEW v_mentions AS
WITH per_entity AS (
    SELECT
        statement_id,
        entity_id,
        any_value(kind) AS entity_kind,
        count(*) FILTER (WHERE found_in = 'text') AS mentions,
        count(*) FILTER (WHERE found_in = 'question') AS question_mentions,
        -- the first surface of the text, else of the question
        arg_min(surface, (found_in <> 'text', char_start)) AS surface
    FROM statement_mentions
    GROUP BY statement_id, entity_id
)
SELECT
    p.entity_id,
    e.name AS entity,
    p.entity_kind,
    e.code AS entity_code,
    p.mentions > 0 AS in_text,
    p.question_mentions > 0 AS in_question,
    p.mentions,
    p.question_mentions,
    p.surface,
    s.*
FROM per_entity p
JOIN v_statements s USING (statement_id)
LEFT JOIN entities e USING (entity_id);

-- How often each entity is named, per day and source: `statements` whose own words name it and
-- its `mentions` there (as before), and `questions`: statements answering a question that names it.
CREATE OR REPLACE VIEW v_mention_counts AS
SELECT date, source_id, entity_id, entity, entity_kind,
       count(*) FILTER (WHERE in_text) AS statements,
       sum(mentions)::BIGINT AS mentions,
       count(*) FILTER (WHERE in_question) AS questions
FROM v_mentions
GROUP BY ALL;
