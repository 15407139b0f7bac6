-- The relay reads an event's body back as text and nothing queries inside it, so it is kept as written (json checks
-- the syntax and stores the text) rather than taken apart into jsonb and printed again for every event.
ALTER TABLE outbox ALTER COLUMN body TYPE json USING body::json;
