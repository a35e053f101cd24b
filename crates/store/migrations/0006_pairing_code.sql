-- Linking by pairing code and asking for new QR codes (issue 7).

-- The owner asked to link by phone number instead of a QR scan: the
-- number (E.164) and when they asked; cleared once the session connects.
ALTER TABLE whatsapp_session ADD COLUMN pairing_phone_number TEXT;
ALTER TABLE whatsapp_session ADD COLUMN pairing_requested_at BIGINT;
-- The 8-character code the worker got for it, to type on the phone.
ALTER TABLE whatsapp_session ADD COLUMN pairing_code TEXT;
ALTER TABLE whatsapp_session ADD COLUMN pairing_code_expires_at BIGINT;
-- When the owner last asked for new QR codes (the last ones ran out).
ALTER TABLE whatsapp_session ADD COLUMN new_qr_requested_at BIGINT;
