-- 0010 token changes move the authz epoch: servers remember resolved API tokens until the epoch
-- moves (auth/token-cache.ts), so revoking a token, or changing its expiry or scopes, must bump it in
-- the same transaction — on every server sharing the database. Recording last use does not.
CREATE CONSTRAINT TRIGGER authz_epoch_api_tokens AFTER UPDATE OF revoked_at, expires_at, scopes, person_id, token_hash OR DELETE ON api_tokens
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();
