# The owner portal (/app).

## Linking WhatsApp (the QR code and the pairing code).
app-qr-image = QR code to link WhatsApp
app-qr-title = Link your WhatsApp
app-qr-step-open = Open WhatsApp on the phone with your business number.
app-qr-step-menu = Tap Menu ⋮ (Android) or Settings (iPhone), then Linked devices.
app-qr-step-link = Tap Link a device.
app-qr-step-scan = Point the phone at this screen to scan the code.
app-qr-waiting = Preparing your code… this takes a few seconds.
app-qr-expires = The code changes every few seconds; this page keeps it fresh.
app-qr-pair-title = Cannot scan? Link with your phone number
app-qr-pair-help = We show an 8-character code to type on your phone instead.
app-qr-pair-button = Get a code
app-qr-pair-code = Your code
app-qr-pair-steps = On the phone: Linked devices → Link a device → Link with phone number instead, then type this code.
app-qr-ran-out = The codes expired before one was used.
app-qr-new-codes = Get new codes
app-qr-copy = Copy the code
app-qr-copied = Copied
app-qr-expires-in = This code works for { $seconds } more seconds.

## The status page (/app).
app-status-title = Your WhatsApp assistant
app-status-steps = Getting started
app-step-setup = Send your setup
app-step-approval = Wait for approval
app-step-scan = Scan the QR code
app-step-live = Live
app-status-verify = Please confirm your email: we sent you a link. It lets our team approve you and your alerts reach you.
app-status-verify-resend = Send the link again
app-status-link-sent-recently = A link was sent a moment ago; please check your mail.
app-status-rejected = Your request needs a change.
app-status-rejected-title = Update your setup and send it again
app-status-new-title = Tell us about your business
app-status-new-text = Your name, type of business, language, WhatsApp number and opening hours: the assistant answers your customers with them.
app-status-new-button = Fill in the setup
app-status-pending-title = We are checking your setup
app-status-pending-text = Thanks! Our team reviews new businesses quickly, usually within one working day. This page moves on by itself once you are approved: keep it open, or come back later.
app-status-whatsapp-number = WhatsApp number:
app-status-pair-number = WhatsApp
app-status-live-title = Your assistant is live
app-status-live-text-before = It answers customers who write to
app-status-live-text-after = , in and out of your opening hours.
app-status-see-messages = See the messages
app-status-settings-menu = Settings and menu
app-status-pause-text = Going on holiday or answering by hand for a while? Messages are still logged.
app-status-pause = Switch automatic replies off
app-status-paused-title = Automatic replies are paused
app-status-paused-text = Your WhatsApp stays linked and messages are still logged, but the assistant does not answer.
app-status-resume = Switch automatic replies on
app-status-error-title = Your assistant is having trouble
app-status-error-text = We lost contact with it and our team has been alerted. You do not need to do anything; this page updates when it is back.
app-status-fortnight = Your assistant, last 14 days
app-status-received = Messages received
app-status-answered = Answered automatically
app-status-after-hours = Came while you were closed
app-status-handoffs = Asked for a person
app-chart-received = Received
app-chart-sent = Sent
app-chart-days = { $count ->
    [one] over { $n } day
   *[other] over { $n } days
}
