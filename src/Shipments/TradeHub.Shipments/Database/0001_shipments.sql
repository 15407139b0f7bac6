-- What Shipments learns from other services' events, kept only as far as booking needs it.
CREATE TABLE cargo_offers (
    id              uuid        PRIMARY KEY,
    owner_org       text        NOT NULL,
    origin          text        NOT NULL,
    destination     text        NOT NULL,
    ready_date      date        NOT NULL,
    deliver_by      date        NOT NULL,
    container_count int         NOT NULL,
    container_type  text        NOT NULL
);

-- The latest route options of a cargo offer (a higher version replaces a lower one).
CREATE TABLE cargo_routes (
    cargo_offer_id  uuid        PRIMARY KEY,
    version         bigint      NOT NULL,
    routes          jsonb       NOT NULL
);

CREATE TABLE capacity_offers (
    id              uuid        PRIMARY KEY,
    carrier_org     text        NOT NULL,
    from_node       text        NOT NULL,
    to_node         text        NOT NULL,
    mode            text        NOT NULL,
    departure_from  date        NOT NULL,
    departure_to    date        NOT NULL,
    transit_days    int         NOT NULL
);

-- A confirmed match or an awarded bid whose cargo offer, routes or capacity offers have not all arrived yet.
-- The deal key (match:<id> or bid:<id>) makes a second delivery of the same deal change nothing.
CREATE TABLE pending_deals (
    deal_key        text        PRIMARY KEY,
    cargo_offer_id  uuid        NOT NULL,
    deal            jsonb       NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_deals_cargo_offer ON pending_deals (cargo_offer_id);

CREATE TABLE shipments (
    id                uuid        PRIMARY KEY,
    deal_key          text        NOT NULL UNIQUE,
    cargo_offer_id    uuid        NOT NULL,
    match_id          uuid        NULL,
    bid_id            uuid        NULL,
    shipper_org       text        NOT NULL,
    carrier_orgs      text[]      NOT NULL,
    status            text        NOT NULL,
    delayed           boolean     NOT NULL DEFAULT false,
    origin            text        NOT NULL,
    destination       text        NOT NULL,
    deliver_by        date        NOT NULL,
    container_count   int         NOT NULL,
    container_type    text        NOT NULL,
    legs              jsonb       NOT NULL,
    planned_arrival   timestamptz NOT NULL,
    estimated_arrival timestamptz NOT NULL,
    actual_arrival    timestamptz NULL,
    position_location text        NULL,
    position_since    timestamptz NULL,
    delivered_at      timestamptz NULL,
    delivery_note     text        NULL,
    share_token       text        NULL UNIQUE,
    booked_at         timestamptz NOT NULL
);
CREATE INDEX shipments_shipper ON shipments (shipper_org, id DESC);
CREATE INDEX shipments_carriers ON shipments USING gin (carrier_orgs);
CREATE INDEX shipments_cargo_offer ON shipments (cargo_offer_id);

-- Carriers' tracking events; the event id is the carrier's, unique per shipment, so a repeat changes nothing.
CREATE TABLE tracking_events (
    shipment_id        uuid        NOT NULL REFERENCES shipments (id),
    event_id           text        NOT NULL,
    seq                bigserial   NOT NULL,
    type               text        NOT NULL,
    classifier         text        NOT NULL,
    location           text        NOT NULL,
    event_time         timestamptz NOT NULL,
    leg_index          int         NOT NULL,
    carrier_org        text        NOT NULL,
    reason             text        NULL,
    retracted_event_id text        NULL,
    retracted          boolean     NOT NULL DEFAULT false,
    recorded_at        timestamptz NOT NULL,
    PRIMARY KEY (shipment_id, event_id)
);

-- A match's capacity offers, to find the deals that a late capacity offer completes.
ALTER TABLE pending_deals ADD COLUMN capacity_offer_ids uuid[] NOT NULL DEFAULT '{}';
CREATE INDEX pending_deals_capacity_offers ON pending_deals USING gin (capacity_offer_ids);
