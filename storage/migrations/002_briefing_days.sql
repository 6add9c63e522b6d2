-- The same briefing in two languages. The China MFA publishes each regular press conference in
-- English and in Chinese, in two columns with their own URLs (sources fmprc_en and fmprc_zh).
-- These views pair the two documents of one briefing day, and the answers within them, so
-- statements can be read side by side or compared across languages.
--
-- A "regular briefing" is recognised by its title (the columns also list single answers and
-- statements, several a day, which have no one-to-one counterpart): English "Regular Press
-- Conference" / "Daily Briefing Online" (the online briefings of February 2020), Chinese
-- 例行记者会 (including 网上例行记者会). Only exactly dated documents take part.

CREATE VIEW v_briefing_documents AS
SELECT
    d.doc_id,
    d.published_at AS date,
    s.country,
    d.language,
    d.source_id,
    d.title,
    d.url,
    (SELECT count(*) FROM statements st WHERE st.doc_id = d.doc_id AND st.kind = 'answer') AS answers
FROM documents d
JOIN sources s USING (source_id)
WHERE s.kind = 'briefing'
  AND d.doc_type = 'transcript'
  AND d.near_dup_of IS NULL
  AND d.published_at IS NOT NULL
  AND d.date_latest IS NULL
  AND (d.title ILIKE '%Regular Press Conference%'
       OR d.title ILIKE '%Daily Briefing Online%'
       OR d.title LIKE '%例行记者会%');

-- One row per briefing day held in both languages.
CREATE VIEW v_briefing_days AS
SELECT
    en.date,
    en.country,
    en.doc_id  AS en_doc_id,
    zh.doc_id  AS zh_doc_id,
    en.title   AS en_title,
    zh.title   AS zh_title,
    en.url     AS en_url,
    zh.url     AS zh_url,
    en.answers AS en_answers,
    zh.answers AS zh_answers
FROM v_briefing_documents en
JOIN v_briefing_documents zh ON zh.date = en.date AND zh.country = en.country
WHERE en.language = 'en' AND zh.language = 'zh';

-- The n-th answer of the English transcript beside the n-th answer of the Chinese one, on days
-- where both have as many answers (otherwise the versions split or merge turns differently and
-- position says nothing) and only where both answers have the same speaker.
CREATE VIEW v_briefing_answers AS
WITH numbered AS (
    SELECT doc_id, statement_id, row_number() OVER (PARTITION BY doc_id ORDER BY seq) AS answer_no
    FROM statements
    WHERE kind = 'answer'
)
SELECT
    b.date,
    b.country,
    ne.answer_no,
    en.speaker_id,
    en.statement_id AS en_statement_id,
    zh.statement_id AS zh_statement_id,
    en.questioner   AS en_questioner,
    zh.questioner   AS zh_questioner,
    en.question     AS en_question,
    zh.question     AS zh_question,
    en.text         AS en_text,
    zh.text         AS zh_text
FROM v_briefing_days b
JOIN numbered ne ON ne.doc_id = b.en_doc_id
JOIN numbered nz ON nz.doc_id = b.zh_doc_id AND nz.answer_no = ne.answer_no
JOIN statements en ON en.statement_id = ne.statement_id
JOIN statements zh ON zh.statement_id = nz.statement_id
WHERE b.en_answers = b.zh_answers
  AND en.speaker_id IS NOT DISTINCT FROM zh.speaker_id;
