-- Grouping per recipient (issue #14, item 4), as Alertmanager groups by receiver. A delivery planned while
-- grouping is on is an item (mode 'group'): it never goes out by itself. One open "group head" per
-- recipient × channel × address (step 'group:<ms>', alert_id NULL) is sent when its not_before comes; its
-- claim gathers every pending item of that person (status 'digested', digest_id = the head) in the same
-- transaction, so an item is in exactly one message. Items are still unique rows planned before anything
-- is sent (alert × recipient × channel × step), so grouping keeps exactly-once.
ALTER TABLE delivery DROP CONSTRAINT delivery_mode_check;
ALTER TABLE delivery ADD CONSTRAINT delivery_mode_check CHECK (mode IN ('immediate', 'digest', 'group'));
-- An urgent item (hard breach in a heavy-pollution warning, a warning issued or lifted) pulls its group's
-- head forward to ALERT_GROUP_URGENT_WAIT_SECONDS, ignoring group_interval.
ALTER TABLE delivery ADD COLUMN urgent boolean NOT NULL DEFAULT false;
CREATE INDEX delivery_group_items_idx ON delivery (recipient_id, channel, address)
  WHERE mode = 'group' AND status = 'pending';
CREATE INDEX delivery_group_open_idx ON delivery (recipient_id, channel, address)
  WHERE alert_id IS NULL AND step LIKE 'group:%' AND status IN ('pending', 'deferred');
CREATE INDEX delivery_group_sent_idx ON delivery (recipient_id, channel, created_at)
  WHERE alert_id IS NULL AND step LIKE 'group:%';

-- A job that must not run before a moment (a group head's send at group_wait): the relay adds it to
-- BullMQ with the remaining delay. NULL: run now. The sweep still releases anything early or late.
ALTER TABLE outbox ADD COLUMN run_at timestamptz;
