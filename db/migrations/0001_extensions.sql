-- Trigram indexes make the review queue's substring search (subject, sender) fast at 100k tickets.
-- PostgreSQL ships pg_trgm in contrib; PGlite loads it as an extension (db/client.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
