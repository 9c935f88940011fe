-- beibeimap's catalogue and change trigger in PostGIS.
--
-- `beibeimap data push --to postgres://…` runs this file, then creates one
-- table a collection; it can also be run by hand (psql -f schema.sql) by a
-- role allowed to create the postgis extension. Every statement is
-- idempotent, so running it again upgrades the functions in place.
--
-- The service reads the collections listed in beibeimap.collections, in
-- `position` order. Each listed relation (a table or a view) has the columns
--   id         text     -- the feature id, unique in the collection
--   properties jsonb    -- a JSON object: the feature's properties
--                       -- (data/README.md lists them per collection)
--   geom       geometry -- WGS84 lon/lat, SRID 4326
--   position   integer  -- the order of the features (ties: by id)
-- A change to a relation reaches running servers through NOTIFY on the
-- channel `beibeimap`, sent by the trigger beibeimap.watch() attaches: a
-- view has no rows of its own, so call beibeimap.watch() on the tables it
-- reads.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE SCHEMA IF NOT EXISTS beibeimap;

CREATE TABLE IF NOT EXISTS beibeimap.collections (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  relation    regclass NOT NULL,
  position    integer NOT NULL DEFAULT 0,
  title       text NOT NULL,
  description text NOT NULL DEFAULT '',
  attribution text NOT NULL DEFAULT '',
  license     text NOT NULL DEFAULT ''
);

-- notify tells listening servers that the data changed. One notification a
-- statement; PostgreSQL folds identical ones of a transaction into one, sent
-- at commit, so a QGIS save of many edits causes one reload.
CREATE OR REPLACE FUNCTION beibeimap.notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('beibeimap', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME);
  RETURN NULL;
END
$$;

-- watch attaches the notify trigger to a table (idempotent).
CREATE OR REPLACE FUNCTION beibeimap.watch(rel regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('DROP TRIGGER IF EXISTS beibeimap_notify ON %s', rel);
  EXECUTE format('CREATE TRIGGER beibeimap_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s '
                 'FOR EACH STATEMENT EXECUTE FUNCTION beibeimap.notify()', rel);
END
$$;

SELECT beibeimap.watch('beibeimap.collections');
