-- Email lookups per account (issue 16 item 3, docs/sync.md §6 and §9.2): `POST
-- /v1/accounts/lookup` tells whether an email has an account, so an ordinary account
-- could otherwise test a whole address list in minutes. Sign-up already says the same
-- (`email_taken`) and is counted per client address (V3); lookups need a key, so they are
-- counted per account instead, every lookup alike (found or not: counting only misses
-- would leave a list of known addresses free to confirm).

CREATE TABLE lookup_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account uuid NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lookup_attempts_by_account ON lookup_attempts (account, at);
CREATE INDEX lookup_attempts_by_at ON lookup_attempts (at);

-- Counts one lookup of `p_account`; false (nothing written) when it has `p_per_account`
-- lookups in the window. The same shape as V3's reserve_signup_attempt: an advisory
-- lock per account ('lkup') so parallel lookups cannot all read "under the limit", and a
-- bounded purge of rows past the window.
CREATE FUNCTION reserve_lookup(p_account uuid, p_per_account int, p_window_secs int)
RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    since timestamptz := clock_timestamp() - make_interval(secs => p_window_secs);
    n bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(x'6c6b7570'::int, hashtext(p_account::text));
    SELECT count(*) INTO n FROM lookup_attempts WHERE account = p_account AND at > since;
    IF n >= p_per_account THEN
        RETURN false;
    END IF;
    INSERT INTO lookup_attempts(account, at) VALUES (p_account, clock_timestamp());
    DELETE FROM lookup_attempts WHERE id IN (
        SELECT id FROM lookup_attempts WHERE at < since ORDER BY at LIMIT 100 FOR UPDATE SKIP LOCKED);
    RETURN true;
END $$;
