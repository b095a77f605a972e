-- Sign-in limits that hold under concurrency (docs/sync.md §6; issue 13, items 4 and 5).
--
-- Before: a login counted the email's failures, verified the password, then wrote a
-- failure row, so 40 parallel attempts all read "fewer than 10" and 22 were checked.
-- Now an attempt is RESERVED before the password is checked: `reserve_login_attempt`
-- takes a per-email and a per-address advisory lock, counts, and inserts the attempt's
-- row, all in one statement (one transaction), so the eleventh parallel attempt waits for
-- the tenth's row and sees it. A sign-in that succeeds deletes its own row again: only
-- failures (and attempts still being checked) count.

ALTER TABLE login_failures ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
-- The client's address (NULL for rows written before V3): a second limit, across emails,
-- so one client cannot lock out every account by spraying wrong passwords.
ALTER TABLE login_failures ADD COLUMN ip text;
CREATE INDEX login_failures_by_ip ON login_failures (ip, at);
-- For the purge of rows older than the window.
CREATE INDEX login_failures_by_at ON login_failures (at);

-- Sign-ups per client address: sign-up answers `email_taken`, so unthrottled it would
-- tell anyone which emails have accounts. Every attempt counts, successful or not.
CREATE TABLE signup_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ip text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signup_attempts_by_ip ON signup_attempts (ip, at);
CREATE INDEX signup_attempts_by_at ON signup_attempts (at);

-- Reserves one sign-in attempt for (email, address). Returns the reserved row's id (> 0),
-- -1 when the email has `per_email` failures in the window, -2 when the address has
-- `per_address` failures in the window (nothing is written then).
-- Locks: advisory, transaction-scoped (released at the end of the calling statement's
-- transaction, after its row is committed and visible), two-key: the class names the
-- kind in ASCII, as blobs.rs's quota lock ('blob') does, and the second key is a hash.
-- Every caller takes the email's lock ('mail') before the address's ('addr'), so two
-- callers cannot deadlock.
-- Each statement of a VOLATILE plpgsql function under READ COMMITTED takes a new snapshot,
-- so the counts after the locks see every attempt committed by the previous holder.
CREATE FUNCTION reserve_login_attempt(p_email text, p_ip text, p_per_email int, p_per_address int, p_window_secs int)
RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    since timestamptz := clock_timestamp() - make_interval(secs => p_window_secs);
    n bigint;
    reserved bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(x'6d61696c'::int, hashtext(p_email));
    PERFORM pg_advisory_xact_lock(x'61646472'::int, hashtext(p_ip));
    SELECT count(*) INTO n FROM login_failures WHERE email = p_email AND at > since;
    IF n >= p_per_email THEN
        RETURN -1;
    END IF;
    SELECT count(*) INTO n FROM login_failures WHERE ip = p_ip AND at > since;
    IF n >= p_per_address THEN
        RETURN -2;
    END IF;
    INSERT INTO login_failures(email, ip, at) VALUES (p_email, p_ip, clock_timestamp()) RETURNING id INTO reserved;
    -- Opportunistic, bounded purge of rows past the window; SKIP LOCKED: never wait on
    -- (or deadlock with) another attempt purging the same rows.
    DELETE FROM login_failures WHERE id IN (
        SELECT id FROM login_failures WHERE at < since ORDER BY at LIMIT 100 FOR UPDATE SKIP LOCKED);
    RETURN reserved;
END $$;

-- Counts one sign-up attempt of an address; false (nothing written) when the address has
-- `per_address` attempts in the window. Same locking ('sgnp') and purge as above.
CREATE FUNCTION reserve_signup_attempt(p_ip text, p_per_address int, p_window_secs int)
RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    since timestamptz := clock_timestamp() - make_interval(secs => p_window_secs);
    n bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(x'73676e70'::int, hashtext(p_ip));
    SELECT count(*) INTO n FROM signup_attempts WHERE ip = p_ip AND at > since;
    IF n >= p_per_address THEN
        RETURN false;
    END IF;
    INSERT INTO signup_attempts(ip, at) VALUES (p_ip, clock_timestamp());
    DELETE FROM signup_attempts WHERE id IN (
        SELECT id FROM signup_attempts WHERE at < since ORDER BY at LIMIT 100 FOR UPDATE SKIP LOCKED);
    RETURN true;
END $$;
