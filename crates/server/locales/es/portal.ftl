# The owner portal (/app).

## Linking WhatsApp (the QR code and the pairing code).
app-qr-image = Código QR para vincular WhatsApp
app-qr-title = Vincula tu WhatsApp
app-qr-step-open = Abre WhatsApp en el teléfono con el número de tu negocio.
app-qr-step-menu = Toca Menú ⋮ (Android) o Ajustes (iPhone) y luego Dispositivos vinculados.
app-qr-step-link = Toca Vincular un dispositivo.
app-qr-step-scan = Apunta el teléfono a esta pantalla para escanear el código.
app-qr-waiting = Preparando tu código… tarda unos segundos.
app-qr-expires = El código cambia cada pocos segundos; esta página lo mantiene al día.
app-qr-pair-title = ¿No puedes escanear? Vincula con tu número
app-qr-pair-help = Te mostramos un código de 8 caracteres para escribir en el teléfono.
app-qr-pair-button = Obtener un código
app-qr-pair-code = Tu código
app-qr-pair-steps = En el teléfono: Dispositivos vinculados → Vincular un dispositivo → Vincular con el número de teléfono, y escribe este código.
app-qr-ran-out = Los códigos caducaron antes de usarse.
app-qr-new-codes = Obtener códigos nuevos
app-qr-copy = Copiar el código
app-qr-copied = Copiado
app-qr-expires-in = Este código funciona { $seconds } segundos más.

## The status page (/app).
app-status-title = Tu asistente de WhatsApp
app-status-steps = Primeros pasos
app-step-setup = Envía tus datos
app-step-approval = Espera la aprobación
app-step-scan = Escanea el código QR
app-step-live = En marcha
app-status-verify = Confirma tu correo: te enviamos un enlace. Así nuestro equipo puede aprobarte y tus alertas te llegan.
app-status-verify-resend = Enviar el enlace de nuevo
app-status-link-sent-recently = Te enviamos un enlace hace un momento; revisa tu correo.
app-status-rejected = Tu solicitud necesita un cambio.
app-status-rejected-title = Corrige tus datos y envíalos de nuevo
app-status-new-title = Cuéntanos sobre tu negocio
app-status-new-text = Tu nombre, tipo de negocio, idioma, número de WhatsApp y horario de atención: el asistente responde a tus clientes con ellos.
app-status-new-button = Completar los datos
app-status-pending-title = Estamos revisando tus datos
app-status-pending-text = ¡Gracias! Nuestro equipo revisa los negocios nuevos rápido, normalmente en un día hábil. Esta página avanza sola cuando te aprueben: déjala abierta o vuelve más tarde.
app-status-whatsapp-number = Número de WhatsApp:
app-status-pair-number = WhatsApp
app-status-live-title = Tu asistente está en marcha
app-status-live-text-before = Responde a los clientes que escriben al
app-status-live-text-after = , dentro y fuera de tu horario de atención.
app-status-see-messages = Ver los mensajes
app-status-settings-menu = Ajustes y menú
app-status-pause-text = ¿Te vas de vacaciones o vas a responder tú por un tiempo? Los mensajes se siguen registrando.
app-status-pause = Desactivar las respuestas automáticas
app-status-paused-title = Las respuestas automáticas están en pausa
app-status-paused-text = Tu WhatsApp sigue vinculado y los mensajes se siguen registrando, pero el asistente no responde.
app-status-resume = Activar las respuestas automáticas
app-status-error-title = Tu asistente tiene problemas
app-status-error-text = Perdimos el contacto con él y nuestro equipo ya fue avisado. No tienes que hacer nada; esta página se actualiza cuando vuelva.
app-status-fortnight = Tu asistente, últimos 14 días
app-status-received = Mensajes recibidos
app-status-answered = Respondidos automáticamente
app-status-after-hours = Llegaron con el negocio cerrado
app-status-handoffs = Pidieron hablar con una persona
app-chart-received = Recibidos
app-chart-sent = Enviados
app-chart-days = { $count ->
    [one] en { $n } día
   *[other] en { $n } días
}
