-- The latest trust score per organisation, from Shipments' TrustScoreChanged, shown beside each carrier of a
-- cargo-capacity match. An organisation without a row has the score without a record (TrustScoreChanged.WithoutRecord).
CREATE TABLE trust_scores (
    org        text        PRIMARY KEY,
    score      int         NOT NULL,
    changed_at timestamptz NOT NULL
);
