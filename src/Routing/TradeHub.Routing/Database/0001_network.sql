-- The corridor network: nodes and undirected legs with their sources. MACRO-EDGE rows are kept (macro_edge = true)
-- as calibration benchmarks; the engine leaves them out of routing.
CREATE TABLE nodes (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    country    text NOT NULL,
    type       text NOT NULL,
    lat        double precision NOT NULL,
    lon        double precision NOT NULL,
    gauge_mm   text NOT NULL DEFAULT '',
    sco_member text NOT NULL DEFAULT '',
    source     text NOT NULL
);

CREATE TABLE legs (
    id                 text PRIMARY KEY,
    from_node          text NOT NULL REFERENCES nodes (id),
    to_node            text NOT NULL REFERENCES nodes (id),
    mode               text NOT NULL CHECK (mode IN ('rail', 'road', 'sea', 'ferry')),
    distance_km        double precision NULL,
    transit_hours      text NOT NULL,
    cost_usd_per_feu   numeric NULL,
    cost_year          int NULL,
    border_dwell_hours text NOT NULL DEFAULT '',
    gauge_change       text NOT NULL DEFAULT 'no',
    macro_edge         boolean NOT NULL DEFAULT false,
    source             text NOT NULL
);

-- A node or a leg closed for an inclusive date range.
CREATE TABLE disruptions (
    id         uuid PRIMARY KEY,
    node_id    text NULL REFERENCES nodes (id),
    leg_id     text NULL REFERENCES legs (id),
    from_date  date NOT NULL,
    to_date    date NOT NULL,
    reason     text NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((node_id IS NULL) <> (leg_id IS NULL)),
    CHECK (from_date <= to_date)
);

-- One row: the network version (bumped by every change, so other instances reload) and the version whose
-- logistics cost table was last published.
CREATE TABLE network_state (
    id                  int PRIMARY KEY CHECK (id = 1),
    version             bigint NOT NULL,
    cost_table_version  bigint NOT NULL DEFAULT 0
);
INSERT INTO network_state (id, version) VALUES (1, 1);

-- Cargo offers being routed. A withdrawal that arrives before the post leaves a closed row without params.
CREATE TABLE cargo_offers (
    id             uuid PRIMARY KEY,
    owner_org      text NOT NULL,
    origin         text NULL,
    destination    text NULL,
    ready_date     date NULL,
    deliver_by     date NULL,
    containers     int NULL,
    container_type text NULL,
    status         text NOT NULL CHECK (status IN ('open', 'closed')),
    version        bigint NOT NULL DEFAULT 0,
    routes         jsonb NOT NULL DEFAULT '[]',
    route_nodes    text[] NOT NULL DEFAULT '{}',
    route_legs     text[] NOT NULL DEFAULT '{}',
    reason         text NULL,
    computed_at    timestamptz NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cargo_offers_open_nodes ON cargo_offers USING gin (route_nodes) WHERE status = 'open';
CREATE INDEX cargo_offers_open_legs ON cargo_offers USING gin (route_legs) WHERE status = 'open';
CREATE INDEX cargo_offers_open_ready ON cargo_offers (ready_date) WHERE status = 'open';
