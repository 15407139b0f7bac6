-- One party's stars for another on a delivered shipment: once per shipment, rater and ratee.
CREATE TABLE ratings (
    shipment_id uuid        NOT NULL REFERENCES shipments (id),
    rater_org   text        NOT NULL,
    ratee_org   text        NOT NULL,
    stars       int         NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment     text        NULL,
    rated_at    timestamptz NOT NULL,
    PRIMARY KEY (shipment_id, rater_org, ratee_org),
    CHECK (rater_org <> ratee_org)
);
CREATE INDEX ratings_ratee ON ratings (ratee_org);

-- The score last published per organisation: TrustScoreChanged goes out only when it moves, and the row's lock
-- orders concurrent recomputations of one organisation.
CREATE TABLE trust_scores (
    org         text        PRIMARY KEY,
    score       int         NOT NULL,
    computed_at timestamptz NOT NULL
);
