login-title = Iniciar sesión
login-email = Correo electrónico
login-password = Contraseña
login-forgot = ¿Olvidaste tu contraseña?
login-new-here = ¿Eres nuevo?
login-create-account = Crea una cuenta para tu negocio
login-signed-out = Cerraste la sesión.
login-password-reset = Tu contraseña cambió. Inicia sesión con la nueva.
login-expired = Tu sesión terminó. Vuelve a iniciar sesión para regresar adonde estabas.
login-invited = Tu cuenta está abierta. Inicia sesión con la contraseña que elegiste.
login-mismatch = Ese correo y esa contraseña no corresponden a ninguna cuenta.
login-too-many = Demasiados intentos fallidos. Inténtalo de nuevo en { $minutes } minuto(s).

signup-title = Registrarse
signup-heading = Crea tu cuenta
signup-lead = Configura un asistente de WhatsApp que responde a tus clientes, de día y de noche.
signup-name = Tu nombre
signup-business-name = Nombre del negocio
signup-email = Correo electrónico
signup-phone = Teléfono móvil
signup-phone-hint = Escríbelo como lo harías en tu país, por ejemplo 612 34 56 78, o con + y el código de país.
signup-password = Contraseña
signup-password-hint = Al menos 10 caracteres.
signup-submit = Crear cuenta
signup-have-account = ¿Ya tienes una cuenta?

forgot-title = Contraseña olvidada
forgot-heading = ¿Olvidaste tu contraseña?
forgot-sent = Si alguna cuenta usa esa dirección, ya va en camino un enlace para elegir una nueva contraseña.
forgot-sent-help = El enlace funciona una vez, durante 30 minutos. ¿No llega? Revisa la carpeta de spam o vuelve a pedirlo en unos minutos.
forgot-lead = Escribe el correo con el que inicias sesión; te enviaremos un enlace para elegir una nueva contraseña.
forgot-submit = Envíame un enlace
forgot-back = Volver a iniciar sesión

reset-title = Elige una nueva contraseña
reset-password = Nueva contraseña
reset-password-hint = Al menos 10 caracteres. Se cerrará la sesión en todos los dispositivos conectados a tu cuenta.
reset-password-again = La misma contraseña otra vez
reset-submit = Guardar la nueva contraseña
reset-bad-link = Este enlace no es válido, ya se usó o caducó.
reset-ask-again = Pide uno nuevo

verify-title = Confirma tu correo
verify-done = Gracias: tu correo está confirmado.
verify-to-portal = Ir a tu portal
verify-lead = Un clic confirma que esta dirección es tuya.
verify-submit = Confirmar mi correo
verify-bad-link = Este enlace no es válido, ya se usó o caducó. Inicia sesión en tu portal para recibir uno nuevo.

invite-title = Únete a Flow HQ
invite-password = Elige una contraseña
invite-password-hint = Al menos 10 caracteres, difícil de adivinar.
invite-password-again = La misma contraseña otra vez
invite-submit = Abrir mi cuenta
invite-bad-link = Esta invitación no es válida, ya se usó o caducó. Pide una nueva al operador que te invitó.
