-- Who may use the API and the dashboard. Four roles (issue 7): admin; bureau (区生态环境局 and other district
-- bureaus: every area); area (a street/town government: its own area only, so area_id is required); readonly.
-- Passwords are scrypt hashes, API tokens and session ids are stored as SHA-256 digests of the secret: a copy
-- of this database does not let anyone log in.

CREATE TABLE app_user (
  id            bigserial PRIMARY KEY,
  username      text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{1,62}$'),
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('admin', 'bureau', 'area', 'readonly')),
  area_id       text REFERENCES area(id),
  password_hash text,                               -- NULL: no password login (a token-only service account)
  locale        text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
  failed_logins integer NOT NULL DEFAULT 0,         -- consecutive failures; reset by a successful login
  locked_until  timestamptz,                        -- set after too many failures (password guessing)
  disabled_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz,
  CHECK ((role = 'area') = (area_id IS NOT NULL))
);
CREATE UNIQUE INDEX app_user_username_idx ON app_user (username);

-- A token acts for its user with the user's role and area; read_only narrows it further (a reporting script
-- does not need to acknowledge alerts). The secret is shown once, when created.
CREATE TABLE api_token (
  id           bigserial PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES app_user(id),
  name         text NOT NULL,
  token_hash   text NOT NULL UNIQUE,                -- sha256 hex of the secret
  token_prefix text NOT NULL,                       -- the first characters, to recognise a token in lists
  read_only    boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,                         -- NULL: until revoked
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_token_user_idx ON api_token (user_id);

-- Dashboard sessions. The cookie carries a random secret; the row is keyed by its digest. A session ends at
-- expires_at (absolute) or after an idle period (checked against last_seen_at), whichever comes first.
CREATE TABLE user_session (
  id_hash      text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES app_user(id),
  csrf_token   text NOT NULL,                       -- per-session token every form and cookie-auth write echoes
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  ended_at     timestamptz,                         -- logout
  ip           text,
  user_agent   text
);
CREATE INDEX user_session_user_idx ON user_session (user_id);
CREATE INDEX user_session_expires_idx ON user_session (expires_at);
