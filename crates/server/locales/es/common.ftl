skip-to-content = Saltar al contenido
nav-main = Principal
nav-dashboard = Panel
nav-tenants = Negocios
nav-setup-requests = Solicitudes
nav-alerts = Alertas
nav-mail = Correo
nav-webhooks = Webhooks
nav-operators = Operadores
nav-status = Estado
nav-setup = Configuración inicial
nav-inbox = Bandeja de entrada
nav-quick-replies = Respuestas rápidas
nav-messages = Mensajes
nav-settings = Ajustes
nav-menu = Menú
nav-preview = Prueba tu bot
nav-api-keys = Claves de API
nav-staff = Equipo
log-out = Cerrar sesión
log-in = Iniciar sesión
language-switcher = Idioma
language-en = English
language-es = Español
language-pt = Português

error-status = Error { $status }
error-home = Ir a la página de inicio
error-form-expired = Este formulario ha caducado
error-form-expired-text = Por tu seguridad, el formulario fue rechazado. Vuelve atrás, recarga la página e inténtalo de nuevo.
error-not-found = No encontrado
error-not-found-text = No encontramos esa página.
error-forbidden = No permitido
error-forbidden-text = No puedes abrir esta página.
error-internal = Algo salió mal
error-internal-text = Algo salió mal de nuestro lado; quedó registrado.
error-other = Eso no funcionó
error-unavailable-text = Ahora mismo estamos muy ocupados. Inténtalo de nuevo en un momento.
error-too-many = Demasiadas solicitudes. Inténtalo de nuevo en { $minutes } minuto(s).

ago-seconds = hace { $n } s
ago-minutes = hace { $n } min
ago-hours = hace { $n } h
ago-days = { $count ->
    [one] hace { $n } día
   *[other] hace { $n } días
}

form-correct-fields = Corrige los campos marcados.
field-required = Este campo es obligatorio.
field-too-long = Debe tener como máximo { $n } caracteres.
field-phone-format = Escribe el número con su código de país, empezando por + (por ejemplo +34 612 34 56 78).
field-phone-digits = Después del + solo puede haber dígitos.
field-phone-length = Un número de teléfono tiene de 8 a 15 dígitos.
field-phone-zero = Los códigos de país no empiezan por 0.
field-control-characters = Aquí no se permiten saltos de línea, tabulaciones ni otros caracteres de control.
field-email-invalid = Esto no parece una dirección de correo.
field-email-taken = Ya existe una cuenta con este correo.
field-password-short = La contraseña necesita al menos 10 caracteres.
field-password-weak = Esta contraseña es demasiado fácil de adivinar. Prueba con una frase más larga.
field-passwords-differ = Las dos contraseñas no coinciden.

tenant-status-new = Nuevo
tenant-status-pending = Esperando aprobación
tenant-status-approved = Aprobado
tenant-status-qr-pending = Esperando vincular WhatsApp
tenant-status-active = Activo
tenant-status-paused = En pausa
tenant-status-error = Error
worker-status-stopped = Detenido
worker-status-starting = Iniciando
worker-status-running = En marcha
worker-status-stopping = Deteniéndose
worker-status-error = Error
session-state-disconnected = Desconectado
session-state-connecting = Conectando
session-state-qr-ready = Código QR listo
session-state-connected = Conectado
session-state-logged-out = Sesión cerrada
session-not-running = Sin conexión (el proceso no está en marcha)
template-type-restaurant = Restaurante o cafetería
template-type-clinic = Clínica o consultorio
template-type-salon = Peluquería o estética
template-type-retail = Tienda
template-type-generic = Otro negocio
decision-welcome = Bienvenida
decision-answer = Respuesta
decision-fallback = No entendió
decision-away = Cerrado: mensaje de ausencia
decision-handoff = Pasado a una persona
decision-not-direct-chat = No es un chat directo
decision-from-business = Del negocio
decision-handed-off = Responde una persona
decision-away-already-sent = Cerrado: ya avisado
decision-nothing-to-answer = Nada que responder
decision-contact-limit = Demasiados mensajes de este cliente
decision-tenant-limit = Demasiados mensajes para el negocio
decision-paused = Asistente en pausa
setup-request-status-pending = En espera
setup-request-status-approved = Aprobada
setup-request-status-rejected = Rechazada

# How long a customer waited for the first reply.
activity-wait-seconds = { $n } s
activity-wait-minutes = { $n } min
activity-wait-hours = { $n } h
activity-first-reply = espera mediana hasta la primera respuesta
activity-top-items = Lo más elegido del menú
activity-times = { $count ->
    [one] una vez
   *[other] { $n } veces
}
