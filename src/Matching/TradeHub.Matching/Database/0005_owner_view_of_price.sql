-- The price against the shipper's target, and the score that weighs it, are the shipper's alone: with the match
-- price, the carriers would compute the target from them. `score` and `explanation` are what every party sees.
ALTER TABLE matches ADD COLUMN owner_score double precision, ADD COLUMN owner_notes text[] NOT NULL DEFAULT '{}';
