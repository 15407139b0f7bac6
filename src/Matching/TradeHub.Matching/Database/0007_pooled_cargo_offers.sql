-- A cargo offer in a consolidation pool is out of ordinary matching (status 'pooled', and an offer_closures row
-- with status 'pooled', so a post that arrives later is stored pooled too) until the pool gives it back.
-- pool_releases remembers each (offer, pool) the pool gave back, so a late or redelivered CargoOfferPooled of that
-- same pool never takes the offer out again.
CREATE TABLE pool_releases (
    offer_id uuid        NOT NULL,
    pool_id  uuid        NOT NULL,
    at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (offer_id, pool_id)
);
