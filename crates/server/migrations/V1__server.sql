-- The sync server's own schema (docs/sync.md §11.2). Rows of the app are stored as JSON
-- column maps checked against the catalog (crates/sync), so the app's schema can grow
-- without a server migration.

CREATE TABLE accounts (
    id            uuid PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);

-- One key per signed-in device; only the SHA-256 of its secret is stored.
CREATE TABLE api_keys (
    id         uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    device_id  uuid NOT NULL,
    name       text NOT NULL,
    key_hash   text NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    last_used  timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_sessions (
    id            uuid PRIMARY KEY,
    account_id    uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key_id        uuid NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
    device_id     uuid NOT NULL,
    device_name   text NOT NULL,
    app_version   text,
    ip_address    text,
    user_agent    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_activity timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);

CREATE TABLE login_failures (
    email text NOT NULL,
    at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_by_email ON login_failures (email, at);

-- A stream's counter: locked from the assignment of a seq to COMMIT, so seqs of one
-- stream commit in order and a pull never skips one.
CREATE TABLE streams (
    id       text PRIMARY KEY,
    next_seq bigint NOT NULL DEFAULT 1
);

CREATE TABLE changes (
    stream     text NOT NULL,
    seq        bigint NOT NULL,
    table_name text NOT NULL,
    row_id     text NOT NULL,
    op         text NOT NULL,
    columns    jsonb,
    hlc        text NOT NULL,
    device_id  text NOT NULL,
    cl         integer NOT NULL,
    author     uuid NOT NULL,
    batch_id   uuid NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, seq)
);

-- The merged state of every row: its stream, owner, causal length, columns and the clock
-- of each column's last write ("hlc/device").
CREATE TABLE rows (
    table_name text NOT NULL,
    row_id     text NOT NULL,
    stream     text NOT NULL,
    owner      uuid,
    cl         integer NOT NULL,
    columns    jsonb NOT NULL,
    clocks     jsonb NOT NULL,
    PRIMARY KEY (table_name, row_id)
);

CREATE TABLE push_batches (
    account_id   uuid NOT NULL,
    batch_id     uuid NOT NULL,
    device_id    uuid NOT NULL,
    request_hash bytea NOT NULL,
    result       jsonb,
    at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, batch_id)
);
