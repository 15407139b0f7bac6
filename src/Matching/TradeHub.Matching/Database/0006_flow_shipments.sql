-- The shipments of the flows' deals, as Shipments reports them: booked (shipped) and delivered. Keyed by shipment,
-- since a delivery names only its shipment; either event may arrive first.
CREATE TABLE flow_shipments (
    shipment_id  uuid        PRIMARY KEY,
    source_id    uuid        NULL,
    booked_at    timestamptz NULL,
    delivered_at timestamptz NULL
);
CREATE INDEX flow_shipments_source ON flow_shipments (source_id);
