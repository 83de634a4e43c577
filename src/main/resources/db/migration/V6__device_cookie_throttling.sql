-- Failed logins are now also counted per device cookie ('device:<nonce>', see DeviceCookies): a browser that
-- logged in as someone before is throttled on its own for them, apart from the account's untrusted clients
-- ('account:<username>') and from its address ('address:<ip>'). Only these three kinds of key are counted.
ALTER TABLE login_failures ADD CONSTRAINT login_failures_key_kind CHECK (key ~ '^(account|address|device):');

COMMENT ON TABLE login_failures IS
  'Failed logins within the throttling window, per account from untrusted clients (account:<username>), '
  'per address of untrusted clients (address:<ip>) and per device cookie (device:<nonce>)';
