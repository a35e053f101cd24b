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

## Shared by the setup and settings forms.
app-business = Negocio
app-business-name = Nombre del negocio
app-whatsapp-number = Número de WhatsApp
app-reply-language = Idioma de las respuestas
app-choose-language = Elige un idioma.
app-timezone = Zona horaria
app-timezone-choose = Elige tu zona horaria
app-choose-timezone = Elige tu zona horaria.
app-optional = (opcional)
app-hours-title = Horario de atención
app-hours-opens-closes = Abre – cierra
app-hours-after-break = Después de una pausa (opcional)
app-hours-copy-weekdays = Copiar el horario del lunes de martes a viernes
app-hours-open = { $day }: abierto
app-hours-opens = { $day } abre
app-hours-closes = { $day } cierra
app-hours-opens-again = { $day } vuelve a abrir
app-hours-closes-again = { $day } vuelve a cerrar
app-hours-half-range = Indica la hora de apertura y la de cierre.
app-hours-empty-range = La hora de cierre debe ser distinta de la de apertura.
app-hours-bad-time = Escribe una hora como 09:30.
app-hours-midnight = 24:00 solo puede cerrar un horario.
app-hours-too-many = Como máximo dos horarios por día.
app-hours-timezone = Elige una zona horaria de la lista.
app-day-mon = Lunes
app-day-tue = Martes
app-day-wed = Miércoles
app-day-thu = Jueves
app-day-fri = Viernes
app-day-sat = Sábado
app-day-sun = Domingo

## The setup form (/app/setup).
app-setup-title = Tu negocio
app-setup-intro = Lo que tu asistente necesita para atender bien a tus clientes.
app-setup-sent = Ya enviaste tus datos. Para cambiarlos, escríbenos; esto es lo que tenemos.
app-setup-type = Tipo de negocio
app-setup-choose-type = Elige el tipo de negocio.
app-setup-hours-hint = Desmarca los días que cierras. Usa el segundo horario para una pausa (p. ej. 09:00–13:00 y 15:00–19:00); de 00:00 a 00:00 significa abierto todo el día.
app-setup-notes = ¿Algo que debamos saber?
app-setup-send = Enviar para aprobación

## The settings form (/app/settings, and the console's twin).
app-settings-of = Ajustes de
app-settings-operator-intro = Se guarda como tu cambio en el historial del cliente; el dueño puede deshacerlo. El menú se edita a través de la API.
app-settings-intro = Cambia lo que dice tu asistente y cuándo, en cualquier momento. Responde con los nuevos ajustes en cuanto guardas.
app-settings-edit-menu = Editar el menú
app-settings-facts = Dónde encontrarte
app-settings-facts-hint = Tu asistente los menciona cuando los clientes preguntan, y cualquier texto puede usarlos: {"{"}address{"}"}, {"{"}map_link{"}"}, {"{"}website{"}"}, {"{"}catalog_link{"}"}, {"{"}phone{"}"}. Deja vacío lo que no tengas.
app-settings-hours-hint = Desmarca los días que cierras. Usa el segundo horario para una pausa; de 00:00 a 00:00 significa abierto todo el día.
app-closures-title = Días cerrados
app-closures-hint = Feriados y vacaciones: de una fecha a otra, ambas incluidas. El mensaje de ausencia dice entonces el día en que vuelves a abrir. Deja "Hasta" vacío para un solo día.
app-closure-n = Cierre { $n }
app-closure-from = Desde
app-closure-to = Hasta
app-closure-note = Nota
app-closure-note-example = Navidad
app-closures-remove-hint = Para quitar un cierre, vacía sus fechas. Guarda para tener más filas vacías.
app-texts-title = Lo que dice tu asistente
app-texts-hint = {"{"}business_name{"}"} es el nombre de tu negocio y {"{"}hours{"}"} tu horario de atención; los datos de arriba también sirven. Un texto que vuelve al sugerido sigue de nuevo la sugerencia.
app-settings-save = Guardar los ajustes
app-settings-saved-applied = Guardado. El asistente ya responde con los nuevos ajustes.
app-settings-saved-later = Guardado. El asistente está desconectado ahora y tomará los nuevos ajustes cuando vuelva.
app-settings-not-saved = No se guardó nada: corrige los campos marcados.
app-settings-bad-url = Escribe una dirección web completa que empiece con https://, como https://ejemplo.com.
app-fact-address = Dirección
app-fact-map-link = Enlace al mapa
app-fact-website = Sitio web
app-fact-catalog-link = Enlace al catálogo o lista de precios
app-fact-phone = Teléfono para llamadas
app-text-greeting = Saludo
app-text-greeting-hint = El primer mensaje de una conversación, antes del menú.
app-text-menu-intro = Antes del menú
app-text-menu-intro-hint = La línea encima del menú numerado.
app-text-menu-hint = Después del menú
app-text-menu-hint-hint = La línea debajo del menú numerado.
app-text-away = Mensaje de ausencia
app-text-away-hint = Cuando estás cerrado; {"{"}next_opening{"}"} dice cuándo vuelves a abrir.
app-text-away-no-hours = Mensaje de ausencia, sin apertura conocida
app-text-away-no-hours-hint = Cuando estás cerrado y no hay una apertura definida.
app-text-handoff = Un cliente pide hablar con una persona
app-text-handoff-hint = Mientras estás abierto.
app-text-handoff-closed = Un cliente pide hablar con una persona, cerrado
app-text-handoff-closed-hint = {"{"}next_opening{"}"} dice cuándo vuelves a abrir.
app-text-fallback = No entendido
app-text-fallback-hint = Cuando el bot no logra saber qué quiere el cliente.

## Shared words.
app-save = Guardar
app-saved = Guardado.
app-actions = Acciones
app-pages = Páginas
app-next-page = Página siguiente
app-js-page-updated = Página actualizada.

## The message log (/app/messages, and the console's tenant page).
app-messages-intro = Lo que escribieron los clientes y lo que respondió tu asistente. Horas en { $timezone }.
app-messages-pages = Páginas de mensajes
app-messages-newest = Más recientes
app-messages-older = Anteriores
app-messages-none = Todavía no hay mensajes.
app-messages-when = Cuándo
app-messages-direction = Dirección
app-messages-from = De
app-messages-to = Para
app-messages-message = Mensaje
app-messages-in = Entrada
app-messages-out = Salida

## The menu editor (/app/menu); the app-menu-js-* texts are the script's.
app-menu-title = Tu menú
app-menu-intro = Lo que los clientes pueden pedir por número o por una palabra clave. Cada opción responde con su texto y luego con su archivo (una foto o un PDF), si tiene. Una opción puede abrir un submenú.
app-menu-noscript = El editor del menú necesita JavaScript. La API acepta el mismo menú:
app-menu-loading = Cargando tu menú…
app-menu-items = Opciones del menú
app-menu-add = Agregar una opción
app-menu-save = Guardar el menú
app-menu-reset = Volver al menú sugerido
app-menu-js-item = Opción {"{"}n{"}"}
app-menu-js-sub-item = Subopción {"{"}n{"}"}
app-menu-js-move-up = Subir
app-menu-js-move-down = Bajar
app-menu-js-remove = Quitar
app-menu-js-remove-item = Quitar esta opción
app-menu-js-label = Nombre en el menú
app-menu-js-answer = Respuesta
app-menu-js-answer-above = Respuesta (se muestra encima del submenú; puede quedar vacía)
app-menu-js-keywords = Palabras clave (separadas por comas)
app-menu-js-keywords-example = transferencia, pago, pagar
app-menu-js-keywords-hint = Un cliente que escribe una de estas recibe esta respuesta.
app-menu-js-file = Archivo enviado después de la respuesta (foto o PDF, hasta 16 MB)
app-menu-js-remove-file = Quitar el archivo
app-menu-js-too-large = {"{"}name{"}"} pesa más de 16 MB.
app-menu-js-sub-items-of = Subopciones de la opción {"{"}n{"}"}
app-menu-js-add-sub = Agregar una subopción
app-menu-js-not-saved = No se guardó nada.
app-menu-js-try-again = Inténtalo de nuevo.
app-menu-js-saved-now = Guardado. Tu asistente ya responde con este menú.
app-menu-js-saved-later = Guardado. Tu asistente está desconectado y tomará este menú cuando vuelva.
app-menu-js-connection-failed = No se guardó nada: falló la conexión. Inténtalo de nuevo.
app-menu-js-reset-confirm = ¿Reemplazar tu menú por el sugerido para tu tipo de negocio?
app-menu-js-load-failed = No se pudo cargar tu menú. Vuelve a cargar la página.

## Trying the bot (/app/preview).
app-preview-intro = Escribe como lo haría un cliente nuevo y mira lo que responde tu asistente ahora mismo. No se envía nada a nadie.
app-preview-message = Mensaje del cliente
app-preview-example = ¡Hola! ¿Abren el domingo?
app-preview-ask = ¿Qué respondería mi bot?
app-preview-answer = Tu bot respondería
app-preview-quiet = Nada: no responde.
app-preview-open = Ahora estás abierto.
app-preview-closed = Ahora estás cerrado.
app-preview-closed-until = Ahora estás cerrado; vuelves a abrir el { $at }.
app-preview-empty = Escribe un mensaje, como lo haría un cliente.
app-why-welcome = Un primer mensaje recibe el saludo y el menú.
app-why-answer = El mensaje coincidió con opciones del menú.
app-why-fallback = El bot no entendió, así que lo dice y muestra el menú.
app-why-away = Ahora estás cerrado, así que el bot envía el mensaje de ausencia.
app-why-handoff = El cliente pidió hablar con una persona: el bot te pasa la conversación.
app-why-nothing = Nada que responder (un gracias, un emoji…).
app-why-away-already = Cerrado, y este cliente ya recibió el mensaje de ausencia.
app-why-handed-off = El cliente está esperando a una persona.
app-why-limit = Demasiadas respuestas en este minuto.
app-why-not-direct = No es un mensaje directo de un cliente.

## Alerts (/app/alerts, and the console's /admin/alerts).
app-alert-mails = Correos de alerta
app-alert-mails-intro = Correos para ti cuando algo falla y cuando todo vuelve a la normalidad.
app-alert-digest = El resumen semanal, los lunes por la mañana
app-alert-unlinked = WhatsApp se desvinculó del teléfono
app-alert-qr-expired = Los códigos QR se agotaron durante la vinculación
app-alert-banned = WhatsApp bloqueó el número por un tiempo
app-alert-disconnected = Desconectado por más de 10 minutos
app-alert-worker-error = Un worker en ERROR (detenido o reiniciándose sin parar)
app-alert-outdated-client = WhatsApp rechazó un cliente desactualizado
app-alert-silent = Sin mensajes de clientes por mucho más tiempo de lo habitual estando abierto
app-alerts-none = No hay alertas. Los teléfonos desvinculados, los bloqueos y los workers en ERROR aparecen aquí, una línea por incidente.
app-alerts-tenant = Cliente
app-alerts-alert = Alerta
app-alerts-state = Estado
app-alerts-opened = Abierta
app-alerts-cleared = Resuelta
app-alerts-mails = Correos
app-alerts-seen = { $count ->
    [one] vista una vez
   *[other] vista { $n } veces
}
app-alerts-state-open = Abierta
app-alerts-state-cleared = Resuelta
app-alerts-told-both = Alerta y vuelta a la normalidad
app-alerts-told-alert = Alerta
app-alerts-told-none = Ninguno todavía

## API keys (/app/api-keys).
app-keys-intro = Las claves permiten que tu sistema de tienda, CRM o herramienta de automatización use la API de Flow HQ para tu negocio: enviar mensajes, leer mensajes y contactos. Dale a cada herramienta su propia clave, solo con lo que necesita.
app-keys-new-key = Tu nueva clave
app-keys-copy-now = Cópiala ahora: se muestra solo esta vez. Flow HQ guarda solo una huella de ella y no puede volver a mostrarla.
app-keys-secret = Secreto
app-keys-how = Tu herramienta la envía en cada solicitud, como
app-keys-described = La API está descrita en
app-keys-tag = (etiqueta “public”).
app-keys-new = Nueva clave
app-keys-name = Nombre
app-keys-name-example = Mi tienda
app-keys-may = Puede
app-keys-create = Crear la clave
app-keys-yours = Tus claves
app-keys-none = Todavía no hay claves.
app-keys-key = Clave
app-keys-may-column = Puede
app-keys-last-used = Último uso
app-keys-never = nunca
app-keys-revoked-at = Revocada el { $at }
app-keys-revoke-confirm = ¿Revocar “{ $name }”? Las herramientas que la usan dejan de funcionar al instante.
app-keys-revoke = Revocar
app-keys-revoked = La clave fue revocada: ya no abre nada.
app-keys-pick-scope = Marca al menos una cosa que la clave pueda hacer.
app-keys-name-refused = Nombre: { $reason }
app-scope-messages-send = Enviar mensajes
app-scope-messages-read = Leer mensajes
app-scope-contacts-read = Leer contactos
app-scope-webhooks-manage = Administrar webhooks

## Webhooks (/app/webhooks, and the console's /admin/webhooks).
app-hooks-intro-operators = Los eventos de todos los negocios se envían a estas direcciones, igual que a los endpoints de cada negocio.
app-hooks-intro-owner = Flow HQ envía lo que pasa (mensajes, pedidos de atención humana, el estado de WhatsApp) a tus sistemas: un CRM, n8n, tu tienda.
app-hooks-signed = Cada solicitud va firmada
app-hooks-retried = , se reintenta durante unos tres días y, si nunca llega, queda como mensaje fallido que puedes reenviar.
app-hooks-secret = Secreto de firma
app-hooks-copy-now = Cópialo ahora: no se vuelve a mostrar.
app-hooks-replay-dead = { $count ->
    [one] Reenviar { $n } mensaje fallido
   *[other] Reenviar { $n } mensajes fallidos
}
app-hooks-switch-off = Desactivar
app-hooks-switch-on = Activar
app-hooks-new-secret = Nuevo secreto
app-hooks-delete-confirm = ¿Eliminar este endpoint y su registro de envíos?
app-hooks-delete = Eliminar
app-hooks-nothing-sent = Todavía no se envió nada.
app-hooks-latest = Últimos envíos
app-hooks-event = Evento
app-hooks-state = Estado
app-hooks-attempts = Intentos
app-hooks-last-answer = Última respuesta
app-hooks-queued = En cola
app-hooks-replay = Reenviar
app-hooks-add-title = Agregar un endpoint
app-hooks-address = Dirección
app-hooks-events = Eventos
app-hooks-add = Agregar endpoint
app-hooks-pick-event = Elige al menos un evento.
app-hooks-added = Se agregó { $url }.
app-hooks-rotated = Nuevo secreto abajo; el anterior sigue firmando junto a él durante 24 horas.
app-hooks-url-https = Escribe una dirección completa que empiece con https:// o http://.
app-hooks-url-credentials = La dirección no debe llevar usuario ni contraseña.
app-hooks-off-since = Desactivado desde { $at }: { $reason }
app-hooks-failing-since = Fallando desde { $at }
app-hooks-on = Activo
app-delivery-delivered = Entregado
app-delivery-queued = En cola
app-delivery-retrying = Reintentando
app-delivery-dead = Fallido
app-delivery-answered = respondió { $code }
app-event-message-received = Llegó un mensaje de un cliente
app-event-message-sent = Se envió un mensaje
app-event-message-status = Un mensaje enviado fue entregado o leído
app-event-handoff-requested = Un cliente pidió hablar con una persona
app-event-session-status = WhatsApp se conectó, cerró sesión, fue bloqueado o el QR caducó
app-event-tenant-status = Cambió el estado del negocio
app-event-alert-opened = Se abrió una alerta (desvinculado, bloqueado, worker en ERROR, …)
app-event-alert-cleared = Una alerta volvió a la normalidad

## The weekly digest's link (/digest/off).
app-digest-title = Resumen semanal
app-digest-done-off = Listo: no recibirás más resúmenes semanales.
app-digest-done-on = Listo: el resumen semanal está activo de nuevo.
app-digest-on-text = Cada lunes por la mañana recibes un correo con los mensajes de la semana pasada, la parte que llegó fuera de horario, los pedidos de atención humana y las preguntas más frecuentes.
app-digest-stop = Dejar de recibir el resumen semanal
app-digest-off-text = No recibes el resumen semanal. Las alertas sobre tu conexión de WhatsApp te siguen llegando.
app-digest-restart = Volver a activarlo
app-digest-invalid = Este enlace no es válido. Inicia sesión para cambiar tus correos en la página de alertas.

## La bandeja de entrada
app-inbox-intro = Todas las conversaciones con tus clientes, las más recientes primero. El asistente responde primero; quien pidió hablar con una persona queda marcado.
app-inbox-search = Buscar
app-inbox-search-hint = Nombre, número o palabras de un mensaje
app-inbox-filters = Mostrar
app-inbox-all = Todas
app-inbox-wants-person = Quiere una persona
app-inbox-unread = Sin leer
app-inbox-empty = Aún no hay conversaciones: aparecen aquí cuando los clientes escriben.
app-inbox-nothing-found = Ninguna conversación coincide.
app-inbox-you = Tú
app-inbox-unread-count = { $count ->
    [one] { $count } mensaje sin leer
   *[other] { $count } mensajes sin leer
}
app-inbox-assistant = Asistente
app-inbox-from-phone = Desde tu teléfono
app-inbox-from-api = Por la API
app-inbox-status-sent = enviado
app-inbox-status-delivered = entregado
app-inbox-status-read = leído
app-inbox-status-failed = no entregado
app-inbox-notice-sent = Enviado al WhatsApp del cliente. El asistente no interviene en este chat hasta que lo resuelvas o pasen 12 horas.
app-inbox-notice-resolved = Resuelto: el asistente vuelve a responder a este cliente.
app-inbox-notice-assistant-on = El asistente vuelve a responder a este cliente.
app-inbox-notice-assistant-off = El asistente ya no responde a este cliente; respondes tú.
app-inbox-notice-saved = Contacto guardado.
app-inbox-file-refused = Envía una foto (JPEG, PNG o WebP) o un PDF de 16 MiB como máximo.
app-inbox-assistant-on = Asistente respondiendo
app-inbox-assistant-off = Asistente apagado
app-inbox-person-has-it = Responde una persona
app-inbox-resolve = Resolver
app-inbox-turn-assistant-on = Encender el asistente
app-inbox-turn-assistant-off = Apagar el asistente
app-inbox-conversation = Conversación
app-inbox-earlier = Mensajes anteriores
app-inbox-asked-person = pidió una persona
app-inbox-waiting = Esperando la conexión del asistente
app-inbox-no-messages = No hay mensajes.
app-inbox-answer = Responder
app-inbox-message = Mensaje
app-inbox-attach = Foto o PDF (opcional)
app-inbox-attach-hint = JPEG, PNG, WebP o PDF, 16 MiB como máximo. El mensaje será su texto.
app-inbox-bot-quiet = Después de tu respuesta, el asistente no interviene en este chat hasta que pulses «Resolver» o pasen 12 horas.
app-inbox-send = Enviar
app-inbox-contact = Contacto
app-inbox-name = Nombre
app-inbox-labels = Etiquetas
app-inbox-labels-hint = Separadas por comas, p. ej. vip, domicilio
app-inbox-notes = Notas
app-inbox-save-contact = Guardar contacto
app-js-inbox-updated = Hay novedades en la bandeja de entrada.
app-inbox-saved-answers = Respuestas rápidas
app-inbox-saved-answers-hint = Escribe / y un atajo en el mensaje, o elige una; su archivo va con ella.
app-inbox-no-saved-answer = Ninguna
app-quick-intro = Respuestas que das a menudo, con una foto o un PDF si quieres. En una conversación, escribe / y el atajo.
app-quick-new = Nueva respuesta rápida
app-quick-shortcut = Atajo
app-quick-shortcut-example = horario
app-quick-shortcut-hint = Una palabra: letras, dígitos, - y _. Se escribe después de «/».
app-quick-save = Guardar respuesta rápida
app-quick-yours = Tus respuestas rápidas
app-quick-none = Aún no hay respuestas rápidas.
app-quick-delete = Borrar
app-quick-delete-one = Borrar /{ $shortcut }
app-quick-saved = Respuesta rápida guardada.
app-quick-deleted = Respuesta rápida borrada.
app-quick-taken = Otra respuesta rápida tiene este atajo.
app-inbox-retention = Fotos y archivos
app-inbox-retention-days = Guardarlos durante (días)
app-inbox-retention-hint = Las fotos y archivos de las conversaciones se borran este número de días después de llegar; déjalo vacío para guardarlos. Los mensajes se quedan. Los archivos de tu menú y de las respuestas rápidas nunca se borran.
app-inbox-retention-save = Guardar
app-inbox-retention-saved = Guardado: cuánto tiempo se guardan fotos y archivos.
app-inbox-retention-invalid = Escribe un número de días de 1 a { $max }, o déjalo vacío.

# Staff (/app/staff)
app-inbox-former-user = Un usuario anterior
app-staff-intro = Las personas que responden a tus clientes desde la bandeja contigo. El equipo ve la bandeja y sus contactos; la configuración, las claves y el equipo siguen siendo tuyos.
app-staff-col-role = Rol
app-staff-role-owner = Dueño
app-staff-role-staff = Equipo
app-staff-invite-title = Invitar a alguien
app-staff-invite-help = Recibe un correo con un enlace para elegir su contraseña; hasta entonces la cuenta no puede entrar. Cada respuesta que envíe muestra su nombre.
app-staff-invited = Invitación enviada a { $email }. El enlace funciona durante 7 días.
app-staff-remove = Quitar
app-staff-remove-one = Quitar a { $name }
app-staff-removed = Quitado: ya no puede entrar. Sus respuestas siguen en las conversaciones.
