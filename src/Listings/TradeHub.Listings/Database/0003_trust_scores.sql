-- The latest trust score per organisation, from Shipments' TrustScoreChanged: shown beside bids and checked against a
-- cargo offer's minimum. An organisation without a row has the score without a record (TrustScoreChanged.WithoutRecord).
CREATE TABLE trust_scores (
    org        text        PRIMARY KEY,
    score      int         NOT NULL,
    changed_at timestamptz NOT NULL
);

-- A cargo offer may require a minimum trust score of its bidders (0-100; NULL: anyone).
ALTER TABLE cargo_offers ADD COLUMN min_trust_score int NULL CHECK (min_trust_score BETWEEN 0 AND 100);
