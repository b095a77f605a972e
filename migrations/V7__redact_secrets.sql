-- Secrets stay in their rows (docs/sync.md §8, crates/core/src/db/capture.rs): versions
-- before this one copied users.password, user_sessions' tokens, api_keys.key_hash and
-- data_sources.connection_config into the change log and the audit trail. Remove them
-- from sync_changes and show them as "[redacted]" in audit_logs, as capture now does.
-- Runs inside refinery's transaction: no PRAGMA, no BEGIN/COMMIT.

UPDATE sync_changes SET changes = json_remove(changes, '$.password')
WHERE table_name = 'users' AND changes IS NOT NULL AND json_extract(changes, '$.password') IS NOT NULL;
UPDATE sync_changes SET changes = json_remove(changes, '$.session_token', '$.access_token', '$.refresh_token')
WHERE table_name = 'user_sessions' AND changes IS NOT NULL;
UPDATE sync_changes SET changes = json_remove(changes, '$.key_hash')
WHERE table_name = 'api_keys' AND changes IS NOT NULL;
UPDATE sync_changes SET changes = json_remove(changes, '$.connection_config')
WHERE table_name = 'data_sources' AND changes IS NOT NULL;

-- json_set on a key that is absent would add it: only keys present and not null are
-- rewritten, one statement per column and side.
UPDATE audit_logs SET new_values = json_set(new_values, '$.password', '[redacted]')
WHERE entity_type = 'users' AND json_extract(new_values, '$.password') IS NOT NULL;
UPDATE audit_logs SET old_values = json_set(old_values, '$.password', '[redacted]')
WHERE entity_type = 'users' AND json_extract(old_values, '$.password') IS NOT NULL;
UPDATE audit_logs SET new_values = json_set(new_values, '$.session_token', '[redacted]')
WHERE entity_type = 'user_sessions' AND json_extract(new_values, '$.session_token') IS NOT NULL;
UPDATE audit_logs SET old_values = json_set(old_values, '$.session_token', '[redacted]')
WHERE entity_type = 'user_sessions' AND json_extract(old_values, '$.session_token') IS NOT NULL;
UPDATE audit_logs SET new_values = json_set(new_values, '$.access_token', '[redacted]')
WHERE entity_type = 'user_sessions' AND json_extract(new_values, '$.access_token') IS NOT NULL;
UPDATE audit_logs SET old_values = json_set(old_values, '$.access_token', '[redacted]')
WHERE entity_type = 'user_sessions' AND json_extract(old_values, '$.access_token') IS NOT NULL;
UPDATE audit_logs SET new_values = json_set(new_values, '$.refresh_token', '[redacted]')
WHERE entity_type = 'user_sessions' AND json_extract(new_values, '$.refresh_token') IS NOT NULL;
UPDATE audit_logs SET old_values = json_set(old_values, '$.refresh_token', '[redacted]')
WHERE entity_type = 'user_sessions' AND json_extract(old_values, '$.refresh_token') IS NOT NULL;
UPDATE audit_logs SET new_values = json_set(new_values, '$.key_hash', '[redacted]')
WHERE entity_type = 'api_keys' AND json_extract(new_values, '$.key_hash') IS NOT NULL;
UPDATE audit_logs SET old_values = json_set(old_values, '$.key_hash', '[redacted]')
WHERE entity_type = 'api_keys' AND json_extract(old_values, '$.key_hash') IS NOT NULL;
UPDATE audit_logs SET new_values = json_set(new_values, '$.connection_config', '[redacted]')
WHERE entity_type = 'data_sources' AND json_extract(new_values, '$.connection_config') IS NOT NULL;
UPDATE audit_logs SET old_values = json_set(old_values, '$.connection_config', '[redacted]')
WHERE entity_type = 'data_sources' AND json_extract(old_values, '$.connection_config') IS NOT NULL;
