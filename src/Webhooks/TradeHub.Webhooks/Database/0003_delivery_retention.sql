-- The retention sweep finds finished deliveries by the time they finished, and events no delivery refers to any
-- more (the reference also makes deleting an event cheap to check).
CREATE INDEX deliveries_finished ON deliveries (completed_at) WHERE status <> 'pending';
CREATE INDEX deliveries_event_id ON deliveries (event_id);
