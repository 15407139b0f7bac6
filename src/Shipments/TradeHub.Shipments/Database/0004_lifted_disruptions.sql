-- Disruptions already lifted: a closure whose message is handled after its lift's (the bus does not keep their order)
-- finds its disruption here and reaches no shipment.
CREATE TABLE lifted_disruptions (
    disruption_id uuid        PRIMARY KEY,
    lifted_at     timestamptz NOT NULL
);
