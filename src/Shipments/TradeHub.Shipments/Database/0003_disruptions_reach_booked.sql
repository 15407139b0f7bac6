-- A disruption reaches shipments booked and not yet departed as well as those in transit.
DROP INDEX IF EXISTS shipments_in_transit;
CREATE INDEX shipments_under_way ON shipments (id) WHERE status IN ('booked', 'in_transit');
