# The operator console (/admin).

## Shared words
console-never = nunca
console-col-name = Nombre
console-col-email = Correo
console-col-phone = Teléfono
console-col-status = Estado
console-col-state = Estado
console-col-tenant = Negocio
console-col-worker = Proceso
console-col-last-heartbeat = Última señal de vida
console-col-last-error = Último error
console-col-created = Creado
console-col-actions = Acciones
console-pages = Páginas
console-first-page = ← Primera página
console-next-page = Página siguiente →

## Dashboard
console-stat-pending-requests = Solicitudes de alta pendientes
console-stat-messages-today = Mensajes de hoy (UTC)
console-stat-attention = Procesos que requieren atención
console-chart-per-day = Mensajes por día, últimos 30 días
console-chart-received = Recibidos
console-chart-sent = Enviados
console-tenants-by-status = Negocios por estado
console-workers-by-state = Procesos por estado
console-stale-title = Procesos colgados o con error
console-stale-help = Procesos con error y procesos activos sin señal de vida desde hace más de { $duration }.
console-all-healthy = Todos los procesos funcionan bien.

## Tenant list
console-tenant-total = { $count ->
    [one] { $n } negocio.
   *[other] { $n } negocios.
}
console-tenant-total-matching = { $count ->
    [one] { $n } negocio coincide.
   *[other] { $n } negocios coinciden.
}
# After the tenant's name.
console-tenant-deleted = se eliminó con todos sus datos.
console-search = Buscar
console-search-placeholder = Nombre o número de teléfono
console-any-status = Cualquier estado
console-filter = Filtrar
console-no-tenants-match = Ningún negocio coincide.
console-col-messages-24h = Mensajes, 24 h
console-col-last-message = Último mensaje

## One tenant
console-all-tenants = ← Todos los negocios
console-created-at = creado el { $at }
console-lifecycle = Ciclo de vida
console-wa-session = Sesión de WhatsApp
console-last-seen = Última conexión
console-pairing-code = Código de vinculación
console-scan-qr = Escanea con WhatsApp → Dispositivos vinculados → Vincular un dispositivo:
console-worker = Proceso
console-process = Nombre del proceso
console-pid = PID
console-restarts = Reinicios
console-worker-actions = Acciones del proceso
console-bot-config = Configuración del bot
console-business = Negocio
console-type = Tipo
console-language = Idioma
console-timezone = Zona horaria
console-hours = Horario
console-overrides = Textos personalizados
console-latest-request = Última solicitud de alta
console-sent = Enviada
console-notes = Notas
console-messages = Mensajes
console-message-pages = Páginas de mensajes
console-newest = ← Más recientes
console-older = Anteriores →
console-status-history = Historial de estados
console-no-status-changes = Todavía no hay cambios de estado.
console-col-when = Cuándo
console-col-change = Cambio
console-col-event = Evento
console-col-by = Por
console-event-setup-request-submitted = Solicitud de alta enviada
console-event-setup-request-approved = Solicitud de alta aprobada
console-event-setup-request-rejected = Solicitud de alta rechazada
console-event-worker-started = Proceso iniciado
console-event-session-connected = WhatsApp conectado
console-event-session-logged-out = Sesión de WhatsApp cerrada
console-event-pause = Pausado
console-event-resume = Reanudado
console-event-worker-stale = El proceso dejó de responder
console-event-retry = Reintentado
console-worker-log = Registro del proceso
console-log-empty = El registro está vacío.
console-log-lines = Últimas líneas del registro del proceso
# Followed by the file's path.
console-no-log = Todavía no hay archivo de registro en
console-public-api = API pública
console-api-any-number = Permitir que la API envíe a cualquier número
console-api-any-number-help = Desactivado por defecto: la API solo escribe a personas que le escribieron al negocio en las últimas 24 horas, lo que evita que el número sea bloqueado por spam. Actívalo solo para un negocio cuyos contactos pidieron recibir sus mensajes.
console-save = Guardar
console-keys = Claves
console-no-keys = El dueño no ha creado claves de API.
console-col-key = Clave
console-col-may = Permisos
console-col-last-used = Último uso
console-revoked-at = Revocada el { $at }
console-revoke = Revocar
console-revoke-confirm = ¿Revocar «{ $name }»? Las herramientas que la usan dejarán de funcionar de inmediato.
console-webhooks = Webhooks
console-no-webhooks = El dueño no tiene endpoints de webhook.
console-col-address = Dirección
console-col-dead-letters = Entregas fallidas
console-replay = Reenviar
console-settings = Ajustes
console-settings-help = Nombre del negocio, idioma, datos, horario de atención, días cerrados y los textos del asistente, tal como los edita el dueño.
console-edit-settings = Editar los ajustes
console-delete-title = Eliminar este negocio
console-delete-help = Detiene su proceso y elimina el negocio con sus ajustes, mensajes y archivos. La cuenta del dueño se conserva, sin negocio. Esto no se puede deshacer.
console-delete-confirm = ¿Eliminar { $name } y todos sus datos? Esto no se puede deshacer.
console-delete-button = Eliminar negocio

## The tenant page's buttons and what they say afterwards
console-action-pause = Pausar respuestas
console-action-resume = Reanudar respuestas
console-action-retry = Reintentar (reiniciar el proceso)
console-action-start = Iniciar proceso
console-action-stop = Detener proceso
console-action-stop-confirm = ¿Detener el proceso de este negocio? El bot deja de responder hasta que se vuelva a iniciar.
console-action-restart = Reiniciar proceso
console-notice-start = El proceso se está iniciando.
console-notice-stop = El proceso se detuvo.
console-notice-restart = El proceso se está reiniciando.
console-notice-pause = Las respuestas automáticas están en pausa.
console-notice-resume = Las respuestas automáticas están activas de nuevo.
console-notice-retry = Reintentando: el proceso se reinicia desde cero.
console-notice-api-guard-on = La API pública ahora puede enviar a cualquier número.
console-notice-api-guard-off = La API pública solo envía a personas que escribieron en las últimas 24 horas.
console-notice-key-revoked = Se revocó la clave de API.

## Setup requests
console-requests-filter = Filtrar por estado
console-tab-pending = Pendientes
console-tab-approved = Aprobadas
console-tab-rejected = Rechazadas
console-tab-all = Todas
# Around the business's name, linked to its page.
console-request-approved-before = Se aprobó
console-request-approved-after = . Su proceso se está iniciando.
console-request-rejected-before = Se rechazó
console-request-rejected-after = . El dueño verá tus notas.
console-requests-empty = No hay nada aquí. Las solicitudes nuevas aparecen a medida que los dueños las envían.
console-email-verified = correo verificado
console-email-not-verified = correo sin verificar
console-sent-at = enviada el { $at }
console-approve = Aprobar
console-notes-label = Notas:
console-reject-open = Rechazar…
console-reject-reason = Motivo del rechazo (el dueño lo verá)
console-reject = Rechazar
console-request-decided = Esta solicitud ya fue resuelta.
console-reject-why = Explica el motivo, para que el dueño pueda corregirlo.

## Mail
console-mail-no-smtp = No hay ningún servidor SMTP configurado
# Followed by the folder, then console-mail-files-after.
console-mail-files-before = los correos se guardan como archivos .eml en
console-mail-files-after = y se muestran aquí.
console-mail-empty = Todavía no hay correos. Los restablecimientos de contraseña y las alertas aparecen aquí a medida que se envían.
console-col-to = Para
console-col-subject = Asunto
console-col-queued = En cola
console-col-delivered = Entregado
console-mail-status-queued = En cola
console-mail-status-sent = Enviado
console-mail-status-failed = Falló

## Operators
console-invited-until = Invitado, hasta el { $at }
console-active = Activo
console-invitation-sent = Se envió la invitación a { $email }. El enlace funciona durante 7 días.
console-invite-title = Invitar a un operador
console-invite-help = Recibirá un correo con un enlace para elegir su contraseña; hasta entonces, la cuenta no puede iniciar sesión.
console-invite-send = Enviar la invitación
console-chart-tenants = Negocios
console-activity-title = Últimos 30 días
console-activity-received = Mensajes recibidos
console-activity-answered = Respondidos automáticamente
console-activity-after-hours = Llegaron con el negocio cerrado
console-activity-handoffs = Pidieron una persona
console-page-of = Página { $page } de { $pages }
console-reject-title = ¿Rechazar la solicitud de { $business }?
console-cancel = Cancelar
