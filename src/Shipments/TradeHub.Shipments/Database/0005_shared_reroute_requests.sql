-- Shipments a closure reaches at the same place, bound for the same destination on the same day, share one reroute
-- request: Routing computes the way around once and its answer reaches each of them.
ALTER TABLE shipment_disruptions DROP CONSTRAINT shipment_disruptions_request_id_key;
CREATE INDEX shipment_disruptions_request ON shipment_disruptions (request_id);
