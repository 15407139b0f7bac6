-- Capacity a tender awarded to a shipper: only that shipper's cargo may use it (Listings' capacity offer reserved_for).
ALTER TABLE capacity_offers ADD COLUMN reserved_for text NULL;
