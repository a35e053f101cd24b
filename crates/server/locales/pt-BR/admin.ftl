# The operator console (/admin).

## Shared words
console-never = nunca
console-col-name = Nome
console-col-email = E-mail
console-col-phone = Telefone
console-col-status = Status
console-col-state = Estado
console-col-tenant = Empresa
console-col-worker = Processo
console-col-last-heartbeat = Último sinal de vida
console-col-last-error = Último erro
console-col-created = Criada em
console-col-actions = Ações
console-pages = Páginas
console-first-page = ← Primeira página
console-next-page = Próxima página →

## Dashboard
console-stat-pending-requests = Solicitações de cadastro pendentes
console-stat-messages-today = Mensagens hoje (UTC)
console-stat-attention = Processos que precisam de atenção
console-chart-per-day = Mensagens por dia, últimos 30 dias
console-chart-received = Recebidas
console-chart-sent = Enviadas
console-tenants-by-status = Empresas por status
console-workers-by-state = Processos por estado
console-stale-title = Processos travados ou com erro
console-stale-help = Processos com erro e processos ativos sem sinal de vida há mais de { $duration }.
console-all-healthy = Todos os processos estão funcionando bem.

## Tenant list
console-tenant-total = { $count ->
    [one] { $n } empresa.
   *[other] { $n } empresas.
}
console-tenant-total-matching = { $count ->
    [one] { $n } empresa encontrada.
   *[other] { $n } empresas encontradas.
}
# After the tenant's name.
console-tenant-deleted = foi excluída com todos os seus dados.
console-search = Buscar
console-search-placeholder = Nome ou número de telefone
console-any-status = Qualquer status
console-filter = Filtrar
console-no-tenants-match = Nenhuma empresa encontrada.
console-col-messages-24h = Mensagens, 24 h
console-col-last-message = Última mensagem

## One tenant
console-all-tenants = ← Todas as empresas
console-created-at = criada em { $at }
console-lifecycle = Ciclo de vida
console-wa-session = Sessão do WhatsApp
console-last-seen = Visto por último
console-pairing-code = Código de conexão
console-scan-qr = Escaneie com o WhatsApp → Dispositivos conectados → Conectar um dispositivo:
console-worker = Processo
console-process = Nome do processo
console-pid = PID
console-restarts = Reinícios
console-worker-actions = Ações do processo
console-bot-config = Configuração do bot
console-business = Empresa
console-type = Tipo
console-language = Idioma
console-timezone = Fuso horário
console-hours = Horário
console-overrides = Textos personalizados
console-latest-request = Última solicitação de cadastro
console-sent = Enviada em
console-notes = Observações
console-messages = Mensagens
console-message-pages = Páginas de mensagens
console-newest = ← Mais recentes
console-older = Anteriores →
console-status-history = Histórico de status
console-no-status-changes = Nenhuma mudança de status ainda.
console-col-when = Quando
console-col-change = Mudança
console-col-event = Evento
console-col-by = Por
console-event-setup-request-submitted = Solicitação de cadastro enviada
console-event-setup-request-approved = Solicitação de cadastro aprovada
console-event-setup-request-rejected = Solicitação de cadastro recusada
console-event-worker-started = Processo iniciado
console-event-session-connected = WhatsApp conectado
console-event-session-logged-out = WhatsApp desconectado
console-event-pause = Pausada
console-event-resume = Retomada
console-event-worker-stale = O processo parou de responder
console-event-retry = Nova tentativa
console-worker-log = Log do processo
console-log-empty = O log está vazio.
console-log-lines = Últimas linhas do log do processo
# Followed by the file's path.
console-no-log = Ainda não há arquivo de log em
console-public-api = API pública
console-api-any-number = Permitir que a API envie para qualquer número
console-api-any-number-help = Desligado por padrão: a API só escreve para quem escreveu para a empresa nas últimas 24 horas, o que evita que o número seja banido por spam. Ligue só para uma empresa cujos contatos pediram para receber mensagens dela.
console-save = Salvar
console-keys = Chaves
console-no-keys = O dono não criou nenhuma chave de API.
console-col-key = Chave
console-col-may = Permissões
console-col-last-used = Último uso
console-revoked-at = Revogada em { $at }
console-revoke = Revogar
console-revoke-confirm = Revogar “{ $name }”? As ferramentas que usam essa chave param de funcionar na hora.
console-webhooks = Webhooks
console-no-webhooks = O dono não tem endpoints de webhook.
console-col-address = Endereço
console-col-dead-letters = Entregas com falha
console-replay = Reenviar
console-settings = Configurações
console-settings-help = Nome da empresa, idioma, informações, horário de funcionamento, dias fechados e os textos do assistente, como o dono os edita.
console-edit-settings = Editar as configurações
console-delete-title = Excluir esta empresa
console-delete-help = Para o processo dela e remove a empresa com as configurações, mensagens e arquivos. A conta do dono continua existindo, sem empresa. Isso não pode ser desfeito.
console-delete-confirm = Excluir { $name } e todos os seus dados? Isso não pode ser desfeito.
console-delete-button = Excluir empresa

## The tenant page's buttons and what they say afterwards
console-action-pause = Pausar respostas
console-action-resume = Retomar respostas
console-action-retry = Tentar de novo (reiniciar o processo)
console-action-start = Iniciar processo
console-action-stop = Parar processo
console-action-stop-confirm = Parar o processo desta empresa? O bot para de responder até ser iniciado de novo.
console-action-restart = Reiniciar processo
console-notice-start = O processo está iniciando.
console-notice-stop = O processo foi parado.
console-notice-restart = O processo está reiniciando.
console-notice-pause = As respostas automáticas estão pausadas.
console-notice-resume = As respostas automáticas voltaram a funcionar.
console-notice-retry = Tentando de novo: o processo reinicia do zero.
console-notice-api-guard-on = A API pública agora pode enviar para qualquer número.
console-notice-api-guard-off = A API pública só envia para quem escreveu nas últimas 24 horas.
console-notice-key-revoked = A chave de API foi revogada.

## Setup requests
console-requests-filter = Filtrar por status
console-tab-pending = Pendentes
console-tab-approved = Aprovadas
console-tab-rejected = Recusadas
console-tab-all = Todas
# Around the business's name, linked to its page.
console-request-approved-before = Você aprovou
console-request-approved-after = . O processo dela está iniciando.
console-request-rejected-before = Você recusou
console-request-rejected-after = . O dono verá as suas observações.
console-requests-empty = Nada por aqui. As novas solicitações aparecem conforme os donos as enviam.
console-email-verified = e-mail confirmado
console-email-not-verified = e-mail não confirmado
console-sent-at = enviada em { $at }
console-approve = Aprovar
console-notes-label = Observações:
console-reject-open = Recusar…
console-reject-reason = Motivo da recusa (o dono vai ver)
console-reject = Recusar
console-request-decided = Esta solicitação já foi decidida.
console-reject-why = Explique o motivo, para que o dono possa corrigir.

## Mail
console-mail-no-smtp = Nenhum servidor SMTP está configurado
# Followed by the folder, then console-mail-files-after.
console-mail-files-before = os e-mails são gravados como arquivos .eml em
console-mail-files-after = e listados aqui.
console-mail-empty = Nenhum e-mail ainda. Redefinições de senha e alertas aparecem aqui conforme são enviados.
console-col-to = Para
console-col-subject = Assunto
console-col-queued = Na fila
console-col-delivered = Entregue
console-mail-status-queued = Na fila
console-mail-status-sent = Enviado
console-mail-status-failed = Falhou

## Operators
console-invited-until = Convidado, até { $at }
console-active = Ativo
console-invitation-sent = Convite enviado para { $email }. O link funciona por 7 dias.
console-invite-title = Convidar um operador
console-invite-help = A pessoa recebe um e-mail com um link para escolher a senha; até lá, a conta não consegue entrar.
console-invite-send = Enviar o convite
console-chart-tenants = Empresas
console-activity-title = Últimos 30 dias
console-activity-received = Mensagens recebidas
console-activity-answered = Respondidas automaticamente
console-activity-after-hours = Chegaram com o negócio fechado
console-activity-handoffs = Pediram uma pessoa
console-page-of = Página { $page } de { $pages }
console-reject-title = Recusar a solicitação de { $business }?
console-cancel = Cancelar
