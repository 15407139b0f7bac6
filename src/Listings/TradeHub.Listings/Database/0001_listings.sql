CREATE TABLE cargo_offers (
    id                     uuid        PRIMARY KEY,
    owner_org              text        NOT NULL,
    origin                 text        NOT NULL,
    destination            text        NOT NULL,
    ready_date             date        NOT NULL,
    deliver_by             date        NOT NULL,
    container_count        int         NOT NULL CHECK (container_count > 0),
    container_type         text        NOT NULL,
    weight_kg              numeric     NOT NULL CHECK (weight_kg > 0),
    hs_code                text        NULL,
    description            text        NULL,
    hazardous              boolean     NOT NULL DEFAULT false,
    target_price_amount    numeric     NULL,
    target_price_currency  text        NULL,
    status                 text        NOT NULL DEFAULT 'open',
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
-- Lists page by id (time-ordered v7 uuids) within the filters users pick.
CREATE INDEX cargo_offers_status_id ON cargo_offers (status, id DESC);
CREATE INDEX cargo_offers_lane_id ON cargo_offers (origin, destination, id DESC);
CREATE INDEX cargo_offers_open_deliver_by ON cargo_offers (deliver_by) WHERE status = 'open';

CREATE TABLE bids (
    id               uuid        PRIMARY KEY,
    cargo_offer_id   uuid        NOT NULL REFERENCES cargo_offers (id),
    carrier_org      text        NOT NULL,
    price_amount     numeric     NOT NULL CHECK (price_amount > 0),
    price_currency   text        NOT NULL,
    transit_days     int         NOT NULL,
    valid_until      date        NOT NULL,
    route_id         text        NULL,
    note             text        NULL,
    status           text        NOT NULL DEFAULT 'open',
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bids_cargo_offer ON bids (cargo_offer_id, id DESC);
CREATE INDEX bids_open_valid_until ON bids (valid_until) WHERE status = 'open';

CREATE TABLE capacity_offers (
    id                         uuid        PRIMARY KEY,
    carrier_org                text        NOT NULL,
    from_node                  text        NOT NULL,
    to_node                    text        NOT NULL,
    mode                       text        NOT NULL,
    departure_from             date        NOT NULL,
    departure_to               date        NOT NULL,
    container_count            int         NOT NULL CHECK (container_count > 0),
    container_type             text        NOT NULL,
    containers_left            int         NOT NULL CHECK (containers_left >= 0),
    price_per_container_amount numeric     NOT NULL,
    price_currency             text        NOT NULL,
    transit_days               int         NOT NULL,
    status                     text        NOT NULL DEFAULT 'open',
    created_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX capacity_offers_lane_id ON capacity_offers (from_node, to_node, id DESC);
CREATE INDEX capacity_offers_status_id ON capacity_offers (status, id DESC);

CREATE TABLE trade_offers (
    id                   uuid        PRIMARY KEY,
    owner_org            text        NOT NULL,
    side                 text        NOT NULL,
    hs_code              text        NOT NULL,
    product              text        NOT NULL,
    quantity             numeric     NOT NULL CHECK (quantity > 0),
    unit                 text        NOT NULL,
    unit_price_amount    numeric     NOT NULL,
    unit_price_currency  text        NOT NULL,
    incoterm             text        NOT NULL,
    city                 text        NOT NULL,
    valid_until          date        NOT NULL,
    status               text        NOT NULL DEFAULT 'open',
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX trade_offers_side_hs_id ON trade_offers (side, hs_code, id DESC);
CREATE INDEX trade_offers_city_id ON trade_offers (city, id DESC);

-- A create repeated with the same Idempotency-Key returns the first answer.
CREATE TABLE idempotency_keys (
    org           text        NOT NULL,
    key           text        NOT NULL,
    request_hash  text        NOT NULL,
    resource_path text        NULL,
    response      jsonb       NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org, key)
);
