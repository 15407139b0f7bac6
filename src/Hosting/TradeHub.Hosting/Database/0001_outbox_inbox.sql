-- Transactional outbox: events written in the same transaction as the change that caused them.
CREATE TABLE IF NOT EXISTS outbox (
    seq          bigserial   PRIMARY KEY,
    id           uuid        NOT NULL UNIQUE,
    message_type text        NOT NULL,
    body         jsonb       NOT NULL,
    trace_parent text        NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Idempotent consumers: a message id handled by a consumer is recorded with its effect.
CREATE TABLE IF NOT EXISTS inbox (
    message_id uuid        NOT NULL,
    consumer   text        NOT NULL,
    handled_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, consumer)
);
