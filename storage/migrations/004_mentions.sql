-- Mentions of countries and international organisations in statements (podium/mentions.py reads
-- them with the gazetteer in config/gazetteer.yaml). `entities` holds the gazetteer's entries;
-- `statement_mentions` one row per mention, its offsets counted in statements.text (not in
-- documents.text), so a reader can highlight the surface in the statement it belongs to.
-- No primary key or index on statement_mentions: the loader replaces a document's statements and
-- their mentions as a unit, and DuckDB's indexes refuse a delete and re-insert of the same key in
-- one transaction; uniqueness is checked in the tests, and a scan by entity_id is fast enough.

CREATE TABLE entities (
    entity_id VARCHAR PRIMARY KEY,      -- country:<ISO 3166-1 alpha-2> | org:<slug>
    kind      VARCHAR NOT NULL,         -- country | organisation
    name      VARCHAR NOT NULL,         -- display name: "China", "NATO", "United Nations"
    code      VARCHAR                   -- alpha-2 code for a country; the usual abbreviation of an organisation
);

CREATE TABLE statement_mentions (
    statement_id VARCHAR NOT NULL,
    entity_id    VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,      -- country | organisation
    surface      VARCHAR NOT NULL,      -- the words as written: "U.S.", "Americans", "北约"
    char_start   INTEGER NOT NULL,      -- offsets in statements.text
    char_end     INTEGER NOT NULL
);

-- "Every statement of the China MFA spokesperson mentioning NATO in 2020":
--   SELECT DISTINCT statement_id, date, speaker, text FROM v_mentions
--   WHERE entity_id = 'org:nato' AND source_id IN ('fmprc_en', 'fmprc_zh') AND year(date) = 2020;
CREATE VIEW v_mentions AS
SELECT
    m.entity_id,
    e.name AS entity,
    m.kind AS entity_kind,
    e.code AS entity_code,
    m.surface,
    m.char_start,
    m.char_end,
    s.*
FROM statement_mentions m
JOIN v_statements s USING (statement_id)
LEFT JOIN entities e USING (entity_id);

-- How often each entity is mentioned, per day and source: one row per (date, source, entity).
CREATE VIEW v_mention_counts AS
SELECT date, source_id, entity_id, entity, entity_kind,
       count(DISTINCT statement_id) AS statements, count(*) AS mentions
FROM v_mentions
GROUP BY ALL;
