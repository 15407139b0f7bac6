-- Matching's own projections of open offers and routes, fed only by events.
-- changed_xid lets every instance's in-memory index catch up with the rows other instances changed.
CREATE TABLE cargo_offers (
    id              uuid        PRIMARY KEY,
    owner_org       text        NOT NULL,
    origin          text        NOT NULL,
    destination     text        NOT NULL,
    ready_date      date        NOT NULL,
    deliver_by      date        NOT NULL,
    containers      int         NOT NULL,
    container_type  text        NOT NULL,
    weight_kg       numeric     NOT NULL,
    hs_code         text        NULL,
    target_price    numeric     NULL,
    target_currency text        NULL,
    status          text        NOT NULL,
    changed_xid     xid8        NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX cargo_offers_changed ON cargo_offers (changed_xid);

-- containers is the room left; it never goes below zero.
CREATE TABLE capacity_offers (
    id                  uuid    PRIMARY KEY,
    carrier_org         text    NOT NULL,
    from_node           text    NOT NULL,
    to_node             text    NOT NULL,
    mode                text    NOT NULL,
    departure_from      date    NOT NULL,
    departure_to        date    NOT NULL,
    containers          int     NOT NULL CHECK (containers >= 0),
    container_type      text    NOT NULL,
    price_per_container numeric NOT NULL,
    currency            text    NOT NULL,
    transit_days        int     NOT NULL,
    status              text    NOT NULL,
    changed_xid         xid8    NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX capacity_offers_changed ON capacity_offers (changed_xid);

CREATE TABLE trade_offers (
    id          uuid    PRIMARY KEY,
    owner_org   text    NOT NULL,
    side        text    NOT NULL,
    hs_code     text    NOT NULL,
    product     text    NOT NULL,
    quantity    numeric NOT NULL,
    unit        text    NOT NULL,
    unit_price  numeric NOT NULL,
    currency    text    NOT NULL,
    city        text    NOT NULL,
    valid_until date    NOT NULL,
    status      text    NOT NULL,
    changed_xid xid8    NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX trade_offers_changed ON trade_offers (changed_xid);

-- Routes may arrive before their offer; a higher version replaces a lower one.
CREATE TABLE cargo_routes (
    cargo_offer_id uuid   PRIMARY KEY,
    version        bigint NOT NULL,
    routes         jsonb  NOT NULL,
    changed_xid    xid8   NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX cargo_routes_changed ON cargo_routes (changed_xid);

-- A withdrawal or expiry may arrive before the post: the closure is remembered so a late post stays closed.
CREATE TABLE offer_closures (
    offer_id uuid        PRIMARY KEY,
    status   text        NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE logistics_table (
    id          int    PRIMARY KEY CHECK (id = 1),
    version     bigint NOT NULL,
    pairs       jsonb  NOT NULL,
    changed_xid xid8   NOT NULL DEFAULT pg_current_xact_id()
);

-- offer_key (kind + sorted offer ids) is unique: the same match is never proposed twice, whichever instance finds it.
CREATE TABLE matches (
    id              uuid             PRIMARY KEY,
    kind            text             NOT NULL,
    status          text             NOT NULL,
    score           double precision NOT NULL,
    explanation     text[]           NOT NULL,
    offer_ids       uuid[]           NOT NULL,
    offer_key       text             NOT NULL UNIQUE,
    party_orgs      text[]           NOT NULL,
    accepted_by     text[]           NOT NULL DEFAULT '{}',
    legs            jsonb            NOT NULL DEFAULT '[]',
    route_id        text             NULL,
    route_summary   text             NULL,
    route_signature text             NULL,
    price_amount    numeric          NULL,
    price_currency  text             NULL,
    origin          text             NOT NULL,
    destination     text             NOT NULL,
    corridor        text             NOT NULL,
    mode            text             NOT NULL,
    hs_code         text             NULL,
    containers      int              NOT NULL,
    weight_kg       numeric          NOT NULL,
    decline_reason  text             NULL,
    proposed_at     timestamptz      NOT NULL DEFAULT now(),
    decided_at      timestamptz      NULL
);
CREATE INDEX matches_offer_ids ON matches USING gin (offer_ids);
CREATE INDEX matches_party_orgs ON matches USING gin (party_orgs);

-- The flows read model: one row per confirmed match or awarded bid, no prices, no parties.
CREATE TABLE flows (
    source_id   uuid        PRIMARY KEY,
    source      text        NOT NULL,
    origin      text        NOT NULL,
    destination text        NOT NULL,
    corridor    text        NOT NULL,
    mode        text        NOT NULL,
    hs_chapter  text        NOT NULL,
    month       date        NOT NULL,
    containers  int         NOT NULL,
    weight_kg   numeric     NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX flows_month ON flows (month);
