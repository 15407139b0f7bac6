-- Tenders: a shipper's lanes put out to carriers, the carriers' sealed package bids, and the award with the inputs
-- it was solved from (so the owner and an auditor can see why each carrier won or lost).
CREATE TABLE tenders (
    id                uuid        PRIMARY KEY,
    owner_org         text        NOT NULL,
    title             text        NOT NULL,
    closes_at         timestamptz NOT NULL,
    max_carriers      int         NULL,
    -- open -> solving -> awarded | unawarded
    status            text        NOT NULL DEFAULT 'open',
    created_at        timestamptz NOT NULL,
    closed_at         timestamptz NULL,
    -- A solver instance holds a solving tender until then; a lease of an instance that died runs out.
    solve_lease_until timestamptz NULL,
    awarded_at        timestamptz NULL,
    inputs            jsonb       NULL,
    award             jsonb       NULL
);
CREATE INDEX tenders_owner ON tenders (owner_org, id);
CREATE INDEX tenders_open ON tenders (closes_at) WHERE status = 'open';
CREATE INDEX tenders_solving ON tenders (closed_at) WHERE status = 'solving';
CREATE INDEX tenders_by_status ON tenders (status, id);

CREATE TABLE tender_lanes (
    tender_id       uuid    NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    ref             text    NOT NULL,
    position        int     NOT NULL,
    origin          text    NOT NULL,
    destination     text    NOT NULL,
    mode            text    NULL,
    container_count int     NOT NULL,
    container_type  text    NOT NULL,
    from_date       date    NOT NULL,
    to_date         date    NOT NULL,
    PRIMARY KEY (tender_id, ref)
);

-- One bid per carrier organisation: a later bid replaces the earlier one until the tender closes.
CREATE TABLE tender_bids (
    tender_id      uuid        NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    carrier_org    text        NOT NULL,
    id             uuid        NOT NULL UNIQUE,
    packages       jsonb       NOT NULL,
    exclusive      jsonb       NOT NULL,
    max_containers int         NULL,
    placed_at      timestamptz NOT NULL,
    PRIMARY KEY (tender_id, carrier_org)
);
