-- A consolidation pool's train books one shipment per member (deal key pool:<pool>:<member>). Loose cargo has no
-- cargo offer: its member id stands in for one in cargo_offer_id.
ALTER TABLE shipments ADD COLUMN pool_id uuid NULL, ADD COLUMN pool_member_id uuid NULL;
CREATE INDEX shipments_pool ON shipments (pool_id) WHERE pool_id IS NOT NULL;
