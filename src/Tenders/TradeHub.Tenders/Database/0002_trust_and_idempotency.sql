-- The latest trust score per organisation, from Shipments' TrustScoreChanged: shown beside each carrier of an award
-- and checked against a tender's minimum. An organisation without a row has the score without a record
-- (TrustScoreChanged.WithoutRecord).
CREATE TABLE trust_scores (
    org        text        PRIMARY KEY,
    score      int         NOT NULL,
    changed_at timestamptz NOT NULL
);

-- A tender may require a minimum trust score of its bidders (0-100; NULL: anyone).
ALTER TABLE tenders ADD COLUMN min_trust_score int NULL CHECK (min_trust_score BETWEEN 0 AND 100);

-- A create repeated with the same Idempotency-Key returns the first answer (TradeHub.Hosting.Http.Idempotency).
CREATE TABLE idempotency_keys (
    org           text        NOT NULL,
    key           text        NOT NULL,
    request_hash  text        NOT NULL,
    resource_path text        NULL,
    response      jsonb       NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org, key)
);
