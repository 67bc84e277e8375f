-- SMS delivery reports (issue #14 item 2). A provider's "accepted" (status 'sent') is not a phone's
-- "received": the carrier's report comes later (Aliyun QuerySendDetails, Tencent PullSmsSendStatus) and is
-- kept on the delivery. 'delivered' leaves the delivery 'sent'; 'failed' moves it to 'failed' and the
-- fallback channel takes over, as for a refusal (docs/decisions.md, "SMS providers").
ALTER TABLE delivery
  ADD COLUMN receipt_status     text CHECK (receipt_status IN ('delivered', 'failed')),
  ADD COLUMN receipt_code       text,          -- DELIVERED, UNDELIV, MK:0001, SUCCESS, FAIL …
  ADD COLUMN receipt_at         timestamptz,   -- when the phone received it (the provider's time), else when recorded
  ADD COLUMN receipt_checked_at timestamptz;   -- last time the provider was asked about this message

-- The poll's work list: accepted SMS without a report yet, oldest check first.
CREATE INDEX delivery_receipt_pending_idx ON delivery (receipt_checked_at NULLS FIRST, sent_at)
  WHERE channel = 'sms' AND status = 'sent' AND receipt_status IS NULL;
