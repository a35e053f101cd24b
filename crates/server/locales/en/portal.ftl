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

## Shared by the setup and settings forms.
app-business = Business
app-business-name = Business name
app-whatsapp-number = WhatsApp number
app-reply-language = Language of the replies
app-choose-language = Choose a language.
app-timezone = Time zone
app-timezone-choose = Choose your time zone
app-choose-timezone = Choose your time zone.
app-optional = (optional)
app-hours-title = Opening hours
app-hours-opens-closes = Opens – closes
app-hours-after-break = After a break (optional)
app-hours-copy-weekdays = Copy Monday's hours to Tuesday–Friday
app-hours-open = { $day }: open
app-hours-opens = { $day } opens
app-hours-closes = { $day } closes
app-hours-opens-again = { $day } opens again
app-hours-closes-again = { $day } closes again
app-hours-half-range = Give both an opening and a closing time.
app-hours-empty-range = The closing time must differ from the opening time.
app-hours-bad-time = Type a time of day like 09:30.
app-hours-midnight = 24:00 can only end a range.
app-hours-too-many = At most two ranges a day.
app-hours-timezone = Choose a time zone from the list.
app-day-mon = Monday
app-day-tue = Tuesday
app-day-wed = Wednesday
app-day-thu = Thursday
app-day-fri = Friday
app-day-sat = Saturday
app-day-sun = Sunday

## The setup form (/app/setup).
app-setup-title = Your business
app-setup-intro = What your assistant needs to answer customers well.
app-setup-sent = Your setup has been sent. To change it, write to us; this is what we have.
app-setup-type = Type of business
app-setup-choose-type = Choose the type of business.
app-setup-hours-hint = Untick the days you are closed. Use the second range for a break (e.g. 09:00–13:00 and 15:00–19:00); 00:00 to 00:00 means open all day.
app-setup-notes = Anything we should know?
app-setup-send = Send for approval

## The settings form (/app/settings, and the console's twin).
app-settings-of = Settings of
app-settings-operator-intro = Saved as your change in the tenant's history; the owner can undo it. The menu is edited through the API.
app-settings-intro = Change what your assistant says and when, at any time. It answers with the new settings as soon as you save.
app-settings-edit-menu = Edit the menu
app-settings-facts = Where to find you
app-settings-facts-hint = Your assistant quotes these when customers ask, and any text may use them: {"{"}address{"}"}, {"{"}map_link{"}"}, {"{"}website{"}"}, {"{"}catalog_link{"}"}, {"{"}phone{"}"}. Leave empty what you do not have.
app-settings-hours-hint = Untick the days you are closed. Use the second range for a break; 00:00 to 00:00 means open all day.
app-closures-title = Closed days
app-closures-hint = Holidays and vacations: from one date to another, both included. The away message then says the day you open again. Leave "to" empty for a single day.
app-closure-n = Closure { $n }
app-closure-from = From
app-closure-to = To
app-closure-note = Note
app-closure-note-example = Christmas
app-closures-remove-hint = To remove a closure, empty its dates. Save to get more empty rows.
app-texts-title = What your assistant says
app-texts-hint = {"{"}business_name{"}"} is your business's name and {"{"}hours{"}"} your opening hours; the facts above work too. A text set back to the suggested one follows the suggestion again.
app-settings-save = Save settings
app-settings-saved-applied = Saved. The assistant answers with the new settings now.
app-settings-saved-later = Saved. The assistant is offline right now and takes the new settings when it is back.
app-settings-not-saved = Nothing was saved: please correct the marked fields.
app-settings-bad-url = Type a whole web address starting with https://, like https://example.com.
app-fact-address = Address
app-fact-map-link = Map link
app-fact-website = Website
app-fact-catalog-link = Catalogue or price list link
app-fact-phone = Phone for calls
app-text-greeting = Greeting
app-text-greeting-hint = The first message of a conversation, before the menu.
app-text-menu-intro = Before the menu
app-text-menu-intro-hint = The line above the numbered menu.
app-text-menu-hint = After the menu
app-text-menu-hint-hint = The line below the numbered menu.
app-text-away = Away message
app-text-away-hint = When you are closed; {"{"}next_opening{"}"} says when you open again.
app-text-away-no-hours = Away message, no opening known
app-text-away-no-hours-hint = When you are closed and no opening is set.
app-text-handoff = A customer asks for a person
app-text-handoff-hint = While you are open.
app-text-handoff-closed = A customer asks for a person, closed
app-text-handoff-closed-hint = {"{"}next_opening{"}"} says when you open again.
app-text-fallback = Not understood
app-text-fallback-hint = When the bot cannot tell what the customer wants.

## Shared words.
app-save = Save
app-saved = Saved.
app-actions = Actions
app-pages = Pages
app-next-page = Next page
app-js-page-updated = Page updated.

## The message log (/app/messages, and the console's tenant page).
app-messages-intro = What customers wrote and what your assistant answered. Times in { $timezone }.
app-messages-pages = Message pages
app-messages-newest = Newest
app-messages-older = Older
app-messages-none = No messages yet.
app-messages-when = When
app-messages-direction = Direction
app-messages-from = From
app-messages-to = To
app-messages-message = Message
app-messages-in = In
app-messages-out = Out

## The menu editor (/app/menu); the app-menu-js-* texts are the script's.
app-menu-title = Your menu
app-menu-intro = What customers can ask for by number or by a keyword. Each item answers with its text, then its file (a photo or a PDF) if it has one. An item may open a sub-menu.
app-menu-noscript = The menu editor needs JavaScript. The API takes the same menu:
app-menu-loading = Loading your menu…
app-menu-items = Menu items
app-menu-add = Add an item
app-menu-save = Save the menu
app-menu-reset = Go back to the suggested menu
app-menu-js-item = Item {"{"}n{"}"}
app-menu-js-sub-item = Sub-item {"{"}n{"}"}
app-menu-js-move-up = Move up
app-menu-js-move-down = Move down
app-menu-js-remove = Remove
app-menu-js-remove-item = Remove this item
app-menu-js-label = Label in the menu
app-menu-js-answer = Answer
app-menu-js-answer-above = Answer (shown above the sub-menu; may be empty)
app-menu-js-keywords = Keywords (separated by commas)
app-menu-js-keywords-example = pix, payment, pay
app-menu-js-keywords-hint = A customer who writes one of these gets this answer.
app-menu-js-file = File sent after the answer (photo or PDF, up to 16 MB)
app-menu-js-remove-file = Remove the file
app-menu-js-too-large = {"{"}name{"}"} is larger than 16 MB.
app-menu-js-sub-items-of = Sub-items of item {"{"}n{"}"}
app-menu-js-add-sub = Add a sub-item
app-menu-js-not-saved = Nothing was saved.
app-menu-js-try-again = Please try again.
app-menu-js-saved-now = Saved. Your assistant answers with this menu now.
app-menu-js-saved-later = Saved. Your assistant is offline and takes this menu when it is back.
app-menu-js-connection-failed = Nothing was saved: the connection failed. Please try again.
app-menu-js-reset-confirm = Replace your menu with the suggested one for your type of business?
app-menu-js-load-failed = Your menu could not be loaded. Please reload the page.

## Trying the bot (/app/preview).
app-preview-intro = Write as a new customer would; see what your assistant answers right now. Nothing is sent to anyone.
app-preview-message = Customer's message
app-preview-example = Hi! Are you open on Sunday?
app-preview-ask = What would my bot answer?
app-preview-answer = Your bot would answer
app-preview-quiet = Nothing: it stays quiet.
app-preview-open = You are open now.
app-preview-closed = You are closed now.
app-preview-closed-until = You are closed now; you open next on { $at }.
app-preview-empty = Write a message, as a customer would.
app-why-welcome = A first message gets the greeting and the menu.
app-why-answer = The message matched items of the menu.
app-why-fallback = The bot did not understand, so it says so and shows the menu.
app-why-away = You are closed now, so the bot sends the away message.
app-why-handoff = The customer asked for a person: the bot hands over to you.
app-why-nothing = Nothing to answer (a thank-you, an emoji…).
app-why-away-already = Closed, and this customer already had the away message.
app-why-handed-off = The customer is waiting for a person.
app-why-limit = Too many replies this minute.
app-why-not-direct = Not a customer's direct message.

## Alerts (/app/alerts, and the console's /admin/alerts).
app-alert-mails = Alert mails
app-alert-mails-intro = Mails to you when something goes wrong, and when it is back to normal.
app-alert-digest = The weekly digest, on Monday mornings
app-alert-unlinked = WhatsApp unlinked from the phone
app-alert-qr-expired = The QR codes ran out while linking
app-alert-banned = WhatsApp banned the number for a while
app-alert-disconnected = Disconnected for more than 10 minutes
app-alert-worker-error = A worker in ERROR (stale or crash loop)
app-alert-outdated-client = WhatsApp refused an outdated client
app-alert-silent = No customer messages for much longer than usual while open
app-alerts-none = No alerts. Unlinked phones, bans and workers in ERROR appear here, one line per incident.
app-alerts-tenant = Tenant
app-alerts-alert = Alert
app-alerts-state = State
app-alerts-opened = Opened
app-alerts-cleared = Cleared
app-alerts-mails = Mails
app-alerts-seen = { $count ->
    [one] seen once
   *[other] seen { $n } times
}
app-alerts-state-open = Open
app-alerts-state-cleared = Cleared
app-alerts-told-both = Alert and back to normal
app-alerts-told-alert = Alert
app-alerts-told-none = None yet

## API keys (/app/api-keys).
app-keys-intro = Keys let your shop system, CRM or automation tool use Flow HQ's API for your business: send messages, read messages and contacts. Give each tool its own key, with only what it needs.
app-keys-new-key = Your new key
app-keys-copy-now = Copy it now: it is shown this once. Flow HQ keeps only a fingerprint of it and cannot show it again.
app-keys-secret = Secret
app-keys-how = Your tool sends it with each request, as
app-keys-described = The API is described at
app-keys-tag = (tag “public”).
app-keys-new = New key
app-keys-name = Name
app-keys-name-example = My shop
app-keys-may = It may
app-keys-create = Create the key
app-keys-yours = Your keys
app-keys-none = No keys yet.
app-keys-key = Key
app-keys-may-column = May
app-keys-last-used = Last used
app-keys-never = never
app-keys-revoked-at = Revoked { $at }
app-keys-revoke-confirm = Revoke “{ $name }”? Tools using it stop working at once.
app-keys-revoke = Revoke
app-keys-revoked = The key was revoked: it opens nothing any more.
app-keys-pick-scope = Tick at least one thing the key may do.
app-keys-name-refused = Name: { $reason }
app-scope-messages-send = Send messages
app-scope-messages-read = Read messages
app-scope-contacts-read = Read contacts
app-scope-webhooks-manage = Manage webhooks

## Webhooks (/app/webhooks, and the console's /admin/webhooks).
app-hooks-intro-operators = Every business's events are posted to these addresses, as they are to the businesses' own endpoints.
app-hooks-intro-owner = Flow HQ posts what happens (messages, handoffs, WhatsApp's state) to your systems: a CRM, n8n, your shop.
app-hooks-signed = Each request is signed
app-hooks-retried = , retried for about three days, and kept as a dead letter you can replay if it never got through.
app-hooks-secret = Signing secret
app-hooks-copy-now = Copy it now: it is not shown again.
app-hooks-replay-dead = { $count ->
    [one] Replay { $n } dead letter
   *[other] Replay { $n } dead letters
}
app-hooks-switch-off = Switch off
app-hooks-switch-on = Switch on
app-hooks-new-secret = New secret
app-hooks-delete-confirm = Delete this endpoint and its delivery log?
app-hooks-delete = Delete
app-hooks-nothing-sent = Nothing sent yet.
app-hooks-latest = Latest deliveries
app-hooks-event = Event
app-hooks-state = State
app-hooks-attempts = Attempts
app-hooks-last-answer = Last answer
app-hooks-queued = Queued
app-hooks-replay = Replay
app-hooks-add-title = Add an endpoint
app-hooks-address = Address
app-hooks-events = Events
app-hooks-add = Add endpoint
app-hooks-pick-event = Pick at least one event.
app-hooks-added = Added { $url }.
app-hooks-rotated = New secret below; the old one keeps signing beside it for 24 hours.
app-hooks-url-https = Type a whole address starting with https:// or http://.
app-hooks-url-credentials = The address must not carry a user name or password.
app-hooks-off-since = Off since { $at }: { $reason }
app-hooks-failing-since = Failing since { $at }
app-hooks-on = On
app-delivery-delivered = Delivered
app-delivery-queued = Queued
app-delivery-retrying = Retrying
app-delivery-dead = Dead letter
app-delivery-answered = answered { $code }
app-event-message-received = A customer's message arrived
app-event-message-sent = A message was sent
app-event-message-status = A sent message was delivered or read
app-event-handoff-requested = A customer asked for a person
app-event-session-status = WhatsApp connected, logged out, banned or QR expired
app-event-tenant-status = The business's status changed
app-event-alert-opened = An alert was raised (unlinked, banned, worker in ERROR, …)
app-event-alert-cleared = An alert is back to normal

## The weekly digest's link (/digest/off).
app-digest-title = Weekly digest
app-digest-done-off = Done: no more weekly digests.
app-digest-done-on = Done: the weekly digest is on again.
app-digest-on-text = Every Monday morning you get a mail with last week's messages, the share that came in after hours, handoffs and the most asked questions.
app-digest-stop = Stop the weekly digest
app-digest-off-text = You do not get the weekly digest. Alerts about your WhatsApp connection still reach you.
app-digest-restart = Turn it back on
app-digest-invalid = This link is not valid. Log in to change your mails on the Alerts page.

## The inbox
app-inbox-intro = Every conversation with your customers, newest first. The assistant answers first; those who asked for a person are marked.
app-inbox-search = Search
app-inbox-search-hint = Name, number or words of a message
app-inbox-filters = Show
app-inbox-all = All
app-inbox-wants-person = Wants a person
app-inbox-unread = Unread
app-inbox-empty = No conversations yet: they appear here when customers write.
app-inbox-nothing-found = No conversation matches.
app-inbox-you = You
app-inbox-unread-count = { $count ->
    [one] { $count } unread message
   *[other] { $count } unread messages
}
app-inbox-assistant = Assistant
app-inbox-from-phone = From your phone
app-inbox-from-api = Through the API
app-inbox-status-sent = sent
app-inbox-status-delivered = delivered
app-inbox-status-read = read
app-inbox-status-failed = not delivered
app-inbox-notice-sent = Sent to the customer's WhatsApp. The assistant stays quiet in this chat until you resolve it or 12 hours pass.
app-inbox-notice-resolved = Resolved: the assistant answers this customer again.
app-inbox-notice-assistant-on = The assistant answers this customer again.
app-inbox-notice-assistant-off = The assistant no longer answers this customer; you do.
app-inbox-notice-saved = Contact saved.
app-inbox-file-refused = Send a photo (JPEG, PNG or WebP) or a PDF of at most 16 MiB.
app-inbox-assistant-on = Assistant answering
app-inbox-assistant-off = Assistant off
app-inbox-person-has-it = A person is answering
app-inbox-resolve = Resolve
app-inbox-turn-assistant-on = Turn the assistant on
app-inbox-turn-assistant-off = Turn the assistant off
app-inbox-conversation = Conversation
app-inbox-earlier = Earlier messages
app-inbox-asked-person = asked for a person
app-inbox-waiting = Waiting for the assistant's connection
app-inbox-no-messages = No messages.
app-inbox-answer = Answer
app-inbox-message = Message
app-inbox-attach = Photo or PDF (optional)
app-inbox-attach-hint = JPEG, PNG, WebP or PDF, at most 16 MiB. The message becomes its caption.
app-inbox-bot-quiet = After you answer, the assistant stays quiet in this chat until you press "Resolve" or 12 hours pass.
app-inbox-send = Send
app-inbox-contact = Contact
app-inbox-name = Name
app-inbox-labels = Labels
app-inbox-labels-hint = Separated by commas, e.g. vip, delivery
app-inbox-notes = Notes
app-inbox-save-contact = Save contact
app-js-inbox-updated = New activity in the inbox.
app-inbox-saved-answers = Quick replies
app-inbox-saved-answers-hint = Type / and a shortcut in the message, or pick one; its file goes with it.
app-inbox-no-saved-answer = None
app-quick-intro = Answers you give often, with a photo or PDF if you like. In a conversation, type / and the shortcut.
app-quick-new = New quick reply
app-quick-shortcut = Shortcut
app-quick-shortcut-example = hours
app-quick-shortcut-hint = One word: letters, digits, - and _. You type it after "/".
app-quick-save = Save quick reply
app-quick-yours = Your quick replies
app-quick-none = No quick replies yet.
app-quick-delete = Delete
app-quick-delete-one = Delete /{ $shortcut }
app-quick-saved = Quick reply saved.
app-quick-deleted = Quick reply deleted.
app-quick-taken = Another quick reply has this shortcut.
app-inbox-retention = Photos and files
app-inbox-retention-days = Keep them for (days)
app-inbox-retention-hint = The photos and files of conversations are deleted this many days after they arrived; leave it empty to keep them. The messages stay. Your menu's and quick replies' files are never deleted.
app-inbox-retention-save = Save
app-inbox-retention-saved = Saved: how long photos and files are kept.
app-inbox-retention-invalid = Enter a number of days from 1 to { $max }, or leave it empty.

# Staff (/app/staff)
app-inbox-former-user = A former user
app-staff-intro = The people who answer your customers from the inbox with you. Staff see the inbox and its contacts; settings, keys and staff stay yours.
app-staff-col-role = Role
app-staff-role-owner = Owner
app-staff-role-staff = Staff
app-staff-invite-title = Invite someone
app-staff-invite-help = They get a mail with a link to choose their password; until then the account cannot log in. Each reply they send shows their name.
app-staff-invited = Invitation sent to { $email }. The link works for 7 days.
app-staff-remove = Remove
app-staff-remove-one = Remove { $name }
app-staff-removed = Removed: they can no longer log in. Their replies stay in the conversations.
