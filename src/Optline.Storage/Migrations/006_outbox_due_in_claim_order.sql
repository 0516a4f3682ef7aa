-- Claims take the due rows in (due_at, id) order. SQLite's index already ends with the row id; PostgreSQL's did not,
-- so it read every due row, joined them all and sorted them to find the first few: a backlog of 60,000 sent 2,200
-- messages a second instead of tens of thousands. With the id in the index, a claim reads just the rows it takes.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (dead, due_at, id);
