# Logging in, signing up, passwords, email confirmation, invitations.

login-title = Log in
login-email = Email
login-password = Password
login-forgot = Forgot password?
login-new-here = New here?
login-create-account = Create an account for your business
login-signed-out = You have logged out.
login-password-reset = Your password is changed. Log in with the new one.
login-expired = Your session has ended. Log in again to go back where you were.
login-invited = Your account is open. Log in with the password you chose.
login-mismatch = That email and password do not match an account.
login-too-many = Too many failed attempts. Try again in { $minutes } minute(s).

signup-title = Sign up
signup-heading = Create your account
signup-lead = Set up a WhatsApp assistant that answers your customers, day and night.
signup-name = Your name
signup-business-name = Business name
signup-email = Email
signup-phone = Mobile phone
signup-phone-hint = Type it as you would at home, for example 11 98765-4321, or with + and the country code.
signup-password = Password
signup-password-hint = At least 10 characters.
signup-submit = Create account
signup-have-account = Already have an account?

forgot-title = Forgot password
forgot-heading = Forgot your password?
forgot-sent = If an account uses that address, a link to choose a new password is on its way.
forgot-sent-help = The link works once, for 30 minutes. No mail? Check the spam folder, or ask again in a few minutes.
forgot-lead = Type the email you log in with; we will mail you a link to choose a new password.
forgot-submit = Send me a link
forgot-back = Back to log in

reset-title = Choose a new password
reset-password = New password
reset-password-hint = At least 10 characters. Every device logged in to your account will be logged out.
reset-password-again = The same password again
reset-submit = Save the new password
reset-bad-link = This link is invalid, used or expired.
reset-ask-again = Ask for a new one

verify-title = Confirm your email
verify-done = Thank you: your email is confirmed.
verify-to-portal = Go to your portal
verify-lead = One click confirms that this address is yours.
verify-submit = Confirm my email
verify-bad-link = This link is invalid, used or expired. Log in to your portal to get a new one.

invite-title = Join Flow HQ
invite-password = Choose a password
invite-password-hint = At least 10 characters, not easy to guess.
invite-password-again = The same password again
invite-submit = Open my account
invite-bad-link = This invitation is invalid, used or expired. Ask the operator who invited you for a new one.
