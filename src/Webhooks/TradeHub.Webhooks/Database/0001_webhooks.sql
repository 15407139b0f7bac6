-- Subscriptions: an organisation's endpoint and the event types it wants. The signing secrets are stored
-- encrypted (AES-GCM, key from configuration), so a dump of this database alone cannot sign a delivery.
CREATE TABLE subscriptions (
    id                     uuid        PRIMARY KEY,
    org                    text        NOT NULL,
    url                    text        NOT NULL,
    events                 text[]      NOT NULL,
    description            text        NULL,
    enabled                boolean     NOT NULL DEFAULT true,
    disabled_reason        text        NULL,
    secret                 bytea       NOT NULL,
    previous_secret        bytea       NULL,
    previous_secret_until  timestamptz NULL,
    -- The first failure since the last success; a subscription failing for long enough is disabled.
    failing_since          timestamptz NULL,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL
);
CREATE INDEX subscriptions_org ON subscriptions (org, id);

-- Idempotency-Key of POST /api/webhooks: the repeat answers with the subscription it created.
CREATE TABLE idempotency_keys (
    org             text        NOT NULL,
    key             text        NOT NULL,
    request_hash    text        NOT NULL,
    subscription_id uuid        NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org, key)
);

-- Each event once, as delivered: its id is the webhook-id, its body the exact JSON that is signed and sent.
CREATE TABLE webhook_events (
    id          uuid        PRIMARY KEY,
    type        text        NOT NULL,
    body        text        NOT NULL,
    occurred_at timestamptz NOT NULL
);

-- The durable queue: one row per event per subscription (and per replay). Per subscription only the oldest
-- pending row is sent, so deliveries keep their order; a lease lets another instance take over a crashed one's.
CREATE TABLE deliveries (
    seq             bigserial   NOT NULL UNIQUE,
    id              uuid        PRIMARY KEY,
    subscription_id uuid        NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    event_id        uuid        NOT NULL REFERENCES webhook_events (id),
    event_type      text        NOT NULL,
    replay          boolean     NOT NULL DEFAULT false,
    status          text        NOT NULL DEFAULT 'pending',
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz NULL,
    last_status     int         NULL,
    last_error      text        NULL,
    created_at      timestamptz NOT NULL,
    completed_at    timestamptz NULL
);
CREATE INDEX deliveries_pending ON deliveries (subscription_id, seq) WHERE status = 'pending';
CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, id);
CREATE INDEX deliveries_event ON deliveries (subscription_id, created_at);

-- The delivery log: every attempt with its answer and latency.
CREATE TABLE delivery_attempts (
    delivery_id uuid        NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempt     int         NOT NULL,
    at          timestamptz NOT NULL,
    status_code int         NULL,
    latency_ms  int         NOT NULL,
    error       text        NULL,
    PRIMARY KEY (delivery_id, attempt)
);
-- Queue age (the oldest pending delivery) for the metrics.
CREATE INDEX deliveries_pending_age ON deliveries (created_at) WHERE status = 'pending';
