# The operator console (/admin).

## Shared words
console-never = never
console-col-name = Name
console-col-email = Email
console-col-phone = Phone
console-col-status = Status
console-col-state = State
console-col-tenant = Tenant
console-col-worker = Worker
console-col-last-heartbeat = Last heartbeat
console-col-last-error = Last error
console-col-created = Created
console-col-actions = Actions
console-pages = Pages
console-first-page = ← First page
console-next-page = Next page →

## Dashboard
console-stat-pending-requests = Pending setup requests
console-stat-messages-today = Messages today (UTC)
console-stat-attention = Workers needing attention
console-chart-per-day = Messages per day, last 30 days
console-chart-received = Received
console-chart-sent = Sent
console-tenants-by-status = Tenants by status
console-workers-by-state = Workers by state
console-stale-title = Stale and failed workers
console-stale-help = Workers in error, and live workers without a heartbeat for more than { $duration }.
console-all-healthy = All workers are healthy.

## Tenant list
console-tenant-total = { $count ->
    [one] { $n } tenant.
   *[other] { $n } tenants.
}
console-tenant-total-matching = { $count ->
    [one] { $n } tenant matches.
   *[other] { $n } tenants match.
}
# After the tenant's name.
console-tenant-deleted = was deleted with all its data.
console-search = Search
console-search-placeholder = Name or phone number
console-any-status = Any status
console-filter = Filter
console-no-tenants-match = No tenants match.
console-col-messages-24h = Messages, 24 h
console-col-last-message = Last message

## One tenant
console-all-tenants = ← All tenants
console-created-at = created { $at }
console-lifecycle = Lifecycle
console-wa-session = WhatsApp session
console-last-seen = Last seen
console-pairing-code = Pairing code
console-scan-qr = Scan with WhatsApp → Linked devices → Link a device:
console-worker = Worker
console-process = Process
console-pid = PID
console-restarts = Restarts
console-worker-actions = Worker actions
console-bot-config = Bot configuration
console-business = Business
console-type = Type
console-language = Language
console-timezone = Time zone
console-hours = Hours
console-overrides = Text overrides
console-latest-request = Latest setup request
console-sent = Sent
console-notes = Notes
console-messages = Messages
console-message-pages = Message pages
console-newest = ← Newest
console-older = Older →
console-status-history = Status history
console-no-status-changes = No status changes yet.
console-col-when = When
console-col-change = Change
console-col-event = Event
console-col-by = By
console-event-setup-request-submitted = Setup request sent
console-event-setup-request-approved = Setup request approved
console-event-setup-request-rejected = Setup request rejected
console-event-worker-started = Worker started
console-event-session-connected = WhatsApp connected
console-event-session-logged-out = WhatsApp logged out
console-event-pause = Paused
console-event-resume = Resumed
console-event-worker-stale = Worker stopped answering
console-event-retry = Retried
console-worker-log = Worker log
console-log-empty = The log is empty.
console-log-lines = Last lines of the worker log
# Followed by the file's path.
console-no-log = No log file yet at
console-public-api = Public API
console-api-any-number = Let the API send to any number
console-api-any-number-help = Off by default: the API writes only to people who wrote to the business in the last 24 hours, which keeps the number from being banned for spam. Turn it on only for a business whose contacts asked to hear from it.
console-save = Save
console-keys = Keys
console-no-keys = The owner has made no API keys.
console-col-key = Key
console-col-may = May
console-col-last-used = Last used
console-revoked-at = Revoked { $at }
console-revoke = Revoke
console-revoke-confirm = Revoke “{ $name }”? Tools using it stop working at once.
console-webhooks = Webhooks
console-no-webhooks = The owner has no webhook endpoints.
console-col-address = Address
console-col-dead-letters = Dead letters
console-replay = Replay
console-settings = Settings
console-settings-help = Business name, language, facts, opening hours, closed days and the assistant's texts, as the owner edits them.
console-edit-settings = Edit the settings
console-delete-title = Delete this tenant
console-delete-help = Stops its worker and removes the business with its settings, messages and files. Its owner's account stays, without a business. This cannot be undone.
console-delete-confirm = Delete { $name } and all its data? This cannot be undone.
console-delete-button = Delete tenant

## The tenant page's buttons and what they say afterwards
console-action-pause = Pause replies
console-action-resume = Resume replies
console-action-retry = Retry (restart the worker)
console-action-start = Start worker
console-action-stop = Stop worker
console-action-stop-confirm = Stop this tenant's worker? The bot stops answering until it is started again.
console-action-restart = Restart worker
console-notice-start = The worker is starting.
console-notice-stop = The worker was stopped.
console-notice-restart = The worker is restarting.
console-notice-pause = Automatic replies are paused.
console-notice-resume = Automatic replies are back on.
console-notice-retry = Retrying: the worker restarts clean.
console-notice-api-guard-on = The public API may now send to any number.
console-notice-api-guard-off = The public API sends only to people who wrote in the last 24 hours.
console-notice-key-revoked = The API key was revoked.

## Setup requests
console-requests-filter = Filter by status
console-tab-pending = Pending
console-tab-approved = Approved
console-tab-rejected = Rejected
console-tab-all = All
# Around the business's name, linked to its page.
console-request-approved-before = Approved
console-request-approved-after = . Its worker is starting.
console-request-rejected-before = Rejected
console-request-rejected-after = . The owner will see your notes.
console-requests-empty = Nothing here. New requests appear as owners send them.
console-email-verified = email verified
console-email-not-verified = email not verified
console-sent-at = sent { $at }
console-approve = Approve
console-notes-label = Notes:
console-reject-open = Reject…
console-reject-reason = Reason for rejecting (the owner sees it)
console-reject = Reject
console-request-decided = This request was already decided.
console-reject-why = Say why, so the owner can fix it.

## Mail
console-mail-no-smtp = No SMTP server is configured
# Followed by the folder, then console-mail-files-after.
console-mail-files-before = mails are written as .eml files to
console-mail-files-after = and listed here.
console-mail-empty = No mail yet. Password resets and alerts appear here as they are sent.
console-col-to = To
console-col-subject = Subject
console-col-queued = Queued
console-col-delivered = Delivered
console-mail-status-queued = Queued
console-mail-status-sent = Sent
console-mail-status-failed = Failed

## Operators
console-invited-until = Invited, until { $at }
console-active = Active
console-invitation-sent = Invitation sent to { $email }. The link works for 7 days.
console-invite-title = Invite an operator
console-invite-help = They get a mail with a link to choose their password; until then the account cannot log in.
console-invite-send = Send the invitation
console-chart-tenants = Tenants
console-activity-title = Last 30 days
console-activity-received = Messages received
console-activity-answered = Answered automatically
console-activity-after-hours = Came while closed
console-activity-handoffs = Asked for a person
console-page-of = Page { $page } of { $pages }
console-reject-title = Reject the request of { $business }?
console-cancel = Cancel
