-- Proposals lapse after a time (Matching:ProposalLifetime): the sweep finds the old ones by proposed_at. The index
-- leaves status out, so a decision (declined, accepted, confirmed, expired) still changes no indexed column and stays
-- a HOT update (0004).
CREATE INDEX matches_proposed_at ON matches (proposed_at);
