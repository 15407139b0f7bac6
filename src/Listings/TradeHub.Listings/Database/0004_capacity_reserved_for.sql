-- Capacity a tender awarded: the winning carrier's, reserved for the shipper that ran the tender.
ALTER TABLE capacity_offers ADD COLUMN reserved_for text NULL, ADD COLUMN tender_id uuid NULL;
