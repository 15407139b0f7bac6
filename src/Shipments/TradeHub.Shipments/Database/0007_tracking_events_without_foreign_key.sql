-- A tracking event is inserted only by Tracker.Record, under its shipment's row lock (SELECT ... FOR UPDATE), and a
-- shipment is never deleted, so the foreign key could never fail; it still ran a lookup and a row lock on the
-- shipment for every event, a hundred per post (385,000 in one tracking run of the load generator).
ALTER TABLE tracking_events DROP CONSTRAINT tracking_events_shipment_id_fkey;
