-- A PostgreSQL batch writes one marker with its commit. Should the connection break while the commit is on its way,
-- the writer learns afterwards whether it was made by looking for the marker: a transaction id alone can mislead,
-- since after a crash PostgreSQL may give the id of a transaction that never reached the disk to a new one.
-- Markers are deleted after ten minutes; SQLite writes none.
CREATE TABLE commit_markers (
    token TEXT PRIMARY KEY,
    written_at {bigint} NOT NULL
);
