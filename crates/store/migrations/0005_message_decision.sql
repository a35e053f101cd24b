-- Why the bot answered an inbound message as it did (or stayed quiet),
-- and which inbound message an outbound reply answers: for the console
-- and for checking that every reply that was due went out.
ALTER TABLE message_log ADD COLUMN bot_decision TEXT;
ALTER TABLE message_log ADD COLUMN reply_to TEXT;
