-- Failed logins counted per (account, client address) (issue #20: anybody who knew a login could lock the
-- account for its owner for 15 minutes by guessing ten times). Ten failures in a row from one address lock that
-- address out of that account; the owner, elsewhere, still logs in. app_user.failed_logins stays as an
-- account-wide ceiling for guessing spread over many addresses (services/auth/sessions.ts).
-- Written only by services/auth (login-throttle-queries.ts).

CREATE TABLE login_throttle (
  username      text NOT NULL,
  ip            text NOT NULL,          -- '' when the address is unknown
  failures      integer NOT NULL DEFAULT 0,
  locked_until  timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (username, ip)
);
CREATE INDEX login_throttle_updated_idx ON login_throttle (updated_at);
