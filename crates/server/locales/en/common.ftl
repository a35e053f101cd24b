# Texts every page shares: the header, the language switcher, error pages,
# times, and the messages of refused fields.

skip-to-content = Skip to content
nav-main = Main
nav-dashboard = Dashboard
nav-tenants = Tenants
nav-setup-requests = Setup requests
nav-alerts = Alerts
nav-mail = Mail
nav-webhooks = Webhooks
nav-operators = Operators
nav-status = Status
nav-setup = Setup
nav-inbox = Inbox
nav-quick-replies = Quick replies
nav-messages = Messages
nav-settings = Settings
nav-menu = Menu
nav-preview = Try your bot
nav-api-keys = API keys
nav-staff = Staff
log-out = Log out
log-in = Log in
language-switcher = Language
language-en = English
language-es = Español
language-pt = Português

# Error pages.
error-status = Error { $status }
error-home = Go to the start page
error-form-expired = This form has expired
error-form-expired-text = For your safety the form was refused. Go back, reload the page and try again.
error-not-found = Not found
error-not-found-text = We could not find that page.
error-forbidden = Not allowed
error-forbidden-text = You cannot open this page.
error-internal = Something went wrong
error-internal-text = Something went wrong on our side; it has been logged.
error-other = That did not work
error-unavailable-text = We are very busy right now. Try again in a moment.
error-too-many = Too many requests. Try again in { $minutes } minute(s).

# How long ago.
ago-seconds = { $n } s ago
ago-minutes = { $n } min ago
ago-hours = { $n } h ago
ago-days = { $count ->
    [one] { $n } day ago
   *[other] { $n } days ago
}

# Refused fields: what the checks say, on the pages.
form-correct-fields = Please correct the marked fields.
field-required = This field is required.
field-too-long = Must be at most { $n } characters.
field-phone-format = Type the number with its country code, starting with + (for example +55 11 98765 4321).
field-phone-digits = Only digits may follow the +.
field-phone-length = A phone number has 8 to 15 digits.
field-phone-zero = Country codes do not start with 0.
field-control-characters = Line breaks, tabs and other control characters are not allowed here.
field-email-invalid = This does not look like an email address.
field-email-taken = An account with this email already exists.
field-password-short = The password needs at least 10 characters.
field-password-weak = This password is too easy to guess. Try a longer phrase.
field-passwords-differ = The two passwords differ.

# States and kinds, by their stored names (see Tr::state).
tenant-status-new = New
tenant-status-pending = Waiting for approval
tenant-status-approved = Approved
tenant-status-qr-pending = Waiting for WhatsApp link
tenant-status-active = Live
tenant-status-paused = Paused
tenant-status-error = Error
worker-status-stopped = Stopped
worker-status-starting = Starting
worker-status-running = Running
worker-status-stopping = Stopping
worker-status-error = Error
session-state-disconnected = Disconnected
session-state-connecting = Connecting
session-state-qr-ready = QR code ready
session-state-connected = Connected
session-state-logged-out = Logged out
session-not-running = Not connected (worker not running)
template-type-restaurant = Restaurant or café
template-type-clinic = Clinic or practice
template-type-salon = Salon or beauty
template-type-retail = Shop
template-type-generic = Other business
decision-welcome = Welcome
decision-answer = Answer
decision-fallback = Did not understand
decision-away = Closed: away message
decision-handoff = Handed to a person
decision-not-direct-chat = Not a direct chat
decision-from-business = From the business
decision-handed-off = A person is answering
decision-away-already-sent = Closed: already told
decision-nothing-to-answer = Nothing to answer
decision-contact-limit = Too many messages from this customer
decision-tenant-limit = Too many messages for the business
decision-paused = Assistant paused
setup-request-status-pending = Waiting
setup-request-status-approved = Approved
setup-request-status-rejected = Rejected

# How long a customer waited for the first reply.
activity-wait-seconds = { $n } s
activity-wait-minutes = { $n } min
activity-wait-hours = { $n } h
activity-first-reply = median wait for the first reply
activity-top-items = Most chosen in the menu
activity-times = { $count ->
    [one] once
   *[other] { $n } times
}
