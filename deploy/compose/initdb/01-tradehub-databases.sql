-- One PostgreSQL server, one database per service (services never share tables), each owned by its own login
-- role, which is what the service connects as (never the superuser). PUBLIC may not connect, so a role reaches
-- its own database only. Run once by the postgres image's entrypoint (psql, as the superuser) on the first
-- start with an empty data volume; the passwords come from the container's environment (compose.yaml).
-- The services migrate their own schema (DbUp) at start-up as the owner: PostgreSQL 15+ gives the database
-- owner the public schema, so no other grant is needed.
\getenv listings_password TRADEHUB_POSTGRES_LISTINGS_PASSWORD
\getenv routing_password TRADEHUB_POSTGRES_ROUTING_PASSWORD
\getenv matching_password TRADEHUB_POSTGRES_MATCHING_PASSWORD
\getenv webhooks_password TRADEHUB_POSTGRES_WEBHOOKS_PASSWORD
\getenv shipments_password TRADEHUB_POSTGRES_SHIPMENTS_PASSWORD
\getenv tenders_password TRADEHUB_POSTGRES_TENDERS_PASSWORD
\getenv pools_password TRADEHUB_POSTGRES_POOLS_PASSWORD

CREATE ROLE listings LOGIN PASSWORD :'listings_password';
CREATE ROLE routing LOGIN PASSWORD :'routing_password';
CREATE ROLE matching LOGIN PASSWORD :'matching_password';
CREATE ROLE webhooks LOGIN PASSWORD :'webhooks_password';
CREATE ROLE shipments LOGIN PASSWORD :'shipments_password';
CREATE ROLE tenders LOGIN PASSWORD :'tenders_password';
CREATE ROLE pools LOGIN PASSWORD :'pools_password';

CREATE DATABASE tradehub_listings OWNER listings;
CREATE DATABASE tradehub_routing OWNER routing;
CREATE DATABASE tradehub_matching OWNER matching;
CREATE DATABASE tradehub_webhooks OWNER webhooks;
CREATE DATABASE tradehub_shipments OWNER shipments;
CREATE DATABASE tradehub_tenders OWNER tenders;
CREATE DATABASE tradehub_pools OWNER pools;

REVOKE ALL ON DATABASE tradehub_listings FROM PUBLIC;
REVOKE ALL ON DATABASE tradehub_routing FROM PUBLIC;
REVOKE ALL ON DATABASE tradehub_matching FROM PUBLIC;
REVOKE ALL ON DATABASE tradehub_webhooks FROM PUBLIC;
REVOKE ALL ON DATABASE tradehub_shipments FROM PUBLIC;
REVOKE ALL ON DATABASE tradehub_tenders FROM PUBLIC;
REVOKE ALL ON DATABASE tradehub_pools FROM PUBLIC;
