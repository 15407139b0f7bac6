-- A disruption that blocks a shipment in transit: the wait it adds to one leg (taken back when it is lifted), and the
-- reroute request to Routing whose answer becomes the shipment's exception.
CREATE TABLE shipment_disruptions (
    shipment_id    uuid             NOT NULL REFERENCES shipments (id),
    disruption_id  uuid             NOT NULL,
    leg_index      int              NOT NULL,
    hours          double precision NOT NULL,
    reason         text             NOT NULL,
    node_ids       text[]           NOT NULL,
    request_id     uuid             NOT NULL UNIQUE,
    requested_at   timestamptz      NOT NULL,
    answered_at    timestamptz      NULL,
    PRIMARY KEY (shipment_id, disruption_id)
);
CREATE INDEX shipment_disruptions_disruption ON shipment_disruptions (disruption_id);

-- The shipments a disruption can reach: those in transit.
CREATE INDEX shipments_in_transit ON shipments (id) WHERE status = 'in_transit';
