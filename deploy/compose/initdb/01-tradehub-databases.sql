-- One PostgreSQL server, one database per service (services never share tables).
-- Run by the postgres image's entrypoint on the first start with an empty data volume.
-- The services migrate their own schema (DbUp) at start-up; they only need the database to exist.
CREATE DATABASE tradehub_listings;
CREATE DATABASE tradehub_routing;
CREATE DATABASE tradehub_matching;
CREATE DATABASE tradehub_shipments;
