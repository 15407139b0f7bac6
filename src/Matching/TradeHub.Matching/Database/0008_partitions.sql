-- One row per partition of matching work (Offers/Partitions.cs). Every writer of a partition's offers bumps its
-- version first, in its own transaction: the row lock makes writers take turns (uncontended with one active consumer),
-- and a version that is not the writer's last + 1 tells it to catch its index up from the tables.
CREATE TABLE partitions (
    name    text PRIMARY KEY,
    version bigint NOT NULL DEFAULT 0
);
INSERT INTO partitions (name) VALUES ('cargo-capacity'), ('trade');
