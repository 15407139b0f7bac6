-- The offer's terms as posted travel with every CargoRoutesComputed (Matching and Shipments take the offer and its
-- routes from one message). Offers stored before this column have none, and their re-routes carry no terms: their
-- consumers already hold them from the post.
ALTER TABLE cargo_offers ADD COLUMN details jsonb NULL;
