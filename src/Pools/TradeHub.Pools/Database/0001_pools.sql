-- Pools: a rail operator's departure that SMEs fill with full containers and loose cargo.
CREATE TABLE pools (
    id                  uuid          PRIMARY KEY,
    operator_org        text          NOT NULL,
    origin              text          NOT NULL,
    destination         text          NOT NULL,
    departure_date      date          NOT NULL,
    cutoff              timestamptz   NOT NULL,
    min_containers      integer       NOT NULL,
    max_containers      integer       NOT NULL,
    container_type      text          NOT NULL,
    price_at_min        numeric(14,2) NOT NULL,
    price_at_max        numeric(14,2) NOT NULL,
    currency            text          NOT NULL,
    accepts_hazardous   boolean       NOT NULL,
    -- open, then running or cancelled at the cut-off.
    status              text          NOT NULL DEFAULT 'open',
    -- The fill, kept with every join and leave so lists need no members: full boxes, shared boxes of the plan.
    full_containers     integer       NOT NULL DEFAULT 0,
    shared_containers   integer       NOT NULL DEFAULT 0,
    cargo_kg            numeric(14,2) NOT NULL DEFAULT 0,
    member_count        integer       NOT NULL DEFAULT 0,
    -- The packing plan of the loose cargo (shared boxes and the members in each): the operator's to see.
    plan                jsonb         NOT NULL DEFAULT '{"containers":[]}',
    price_per_container numeric(14,2) NULL,
    created_at          timestamptz   NOT NULL,
    closed_at           timestamptz   NULL
);
CREATE INDEX pools_open_by_cutoff ON pools (cutoff) WHERE status = 'open';
CREATE INDEX pools_lane ON pools (origin, destination, id);

-- A member: full containers from a cargo offer, or one piece of loose cargo.
CREATE TABLE pool_members (
    id              uuid          PRIMARY KEY,
    pool_id         uuid          NOT NULL REFERENCES pools (id),
    org             text          NOT NULL,
    cargo_offer_id  uuid          NULL,
    containers      integer       NOT NULL DEFAULT 0,
    weight_kg       numeric(14,2) NOT NULL,
    volume_m3       numeric(10,3) NULL,
    hs_code         text          NULL,
    description     text          NULL,
    hazardous       boolean       NOT NULL,
    joined_at       timestamptz   NOT NULL
);
CREATE INDEX pool_members_pool ON pool_members (pool_id, id);
CREATE UNIQUE INDEX pool_members_one_offer ON pool_members (cargo_offer_id) WHERE cargo_offer_id IS NOT NULL;

-- The local copy of cargo offers (from CargoOfferPosted): a member joins with one of its own by id, and a new one
-- that fits an open pool is suggested to its owner. pool_id is set while a pool holds it.
CREATE TABLE cargo_offers (
    id              uuid          PRIMARY KEY,
    owner_org       text          NOT NULL,
    origin          text          NOT NULL,
    destination     text          NOT NULL,
    ready_date      date          NOT NULL,
    deliver_by      date          NOT NULL,
    container_count integer       NOT NULL,
    container_type  text          NOT NULL,
    weight_kg       numeric(14,2) NOT NULL,
    hs_code         text          NULL,
    hazardous       boolean       NOT NULL,
    open            boolean       NOT NULL DEFAULT true,
    pool_id         uuid          NULL
);

-- Idempotency-Key of the creating POSTs: a repeat answers with what the first one created.
CREATE TABLE idempotency_keys (
    org             text          NOT NULL,
    key             text          NOT NULL,
    request_hash    text          NOT NULL,
    resource_path   text          NULL,
    response        jsonb         NULL,
    created_at      timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (org, key)
);
