# The owner portal (/app).

## Linking WhatsApp (the QR code and the pairing code).
app-qr-image = Código QR para conectar o WhatsApp
app-qr-title = Conecte o seu WhatsApp
app-qr-step-open = Abra o WhatsApp no celular com o número da sua empresa.
app-qr-step-menu = Toque em Mais opções ⋮ (Android) ou Configurações (iPhone) e depois em Dispositivos conectados.
app-qr-step-link = Toque em Conectar um dispositivo.
app-qr-step-scan = Aponte o celular para esta tela para escanear o código.
app-qr-waiting = Preparando o seu código… leva alguns segundos.
app-qr-expires = O código muda a cada poucos segundos; esta página o mantém atualizado.
app-qr-pair-title = Não consegue escanear? Conecte com o seu número
app-qr-pair-help = Mostramos um código de 8 caracteres para digitar no celular.
app-qr-pair-button = Receber um código
app-qr-pair-code = Seu código
app-qr-pair-steps = No celular: Dispositivos conectados → Conectar um dispositivo → Conectar com número de telefone, e digite este código.
app-qr-ran-out = Os códigos expiraram antes de serem usados.
app-qr-new-codes = Receber novos códigos
app-qr-copy = Copiar o código
app-qr-copied = Copiado
app-qr-expires-in = Este código funciona por mais { $seconds } segundos.

## The status page (/app).
app-status-title = Seu assistente de WhatsApp
app-status-steps = Primeiros passos
app-step-setup = Envie seus dados
app-step-approval = Aguarde a aprovação
app-step-scan = Escaneie o código QR
app-step-live = No ar
app-status-verify = Confirme o seu e-mail: enviamos um link para você. Assim nossa equipe pode aprovar você e seus alertas chegam até você.
app-status-verify-resend = Enviar o link de novo
app-status-link-sent-recently = Enviamos um link há pouco; confira o seu e-mail.
app-status-rejected = Sua solicitação precisa de um ajuste.
app-status-rejected-title = Corrija seus dados e envie de novo
app-status-new-title = Conte sobre a sua empresa
app-status-new-text = Seu nome, tipo de negócio, idioma, número de WhatsApp e horário de funcionamento: o assistente responde aos seus clientes com eles.
app-status-new-button = Preencher os dados
app-status-pending-title = Estamos analisando os seus dados
app-status-pending-text = Obrigado! Nossa equipe analisa as novas empresas rapidamente, normalmente em até um dia útil. Esta página avança sozinha quando você for aprovado: deixe-a aberta ou volte mais tarde.
app-status-whatsapp-number = Número de WhatsApp:
app-status-pair-number = WhatsApp
app-status-live-title = Seu assistente está no ar
app-status-live-text-before = Ele responde aos clientes que escrevem para
app-status-live-text-after = , dentro e fora do seu horário de funcionamento.
app-status-see-messages = Ver as mensagens
app-status-settings-menu = Ajustes e menu
app-status-pause-text = Vai sair de férias ou responder você mesmo por um tempo? As mensagens continuam registradas.
app-status-pause = Desligar as respostas automáticas
app-status-paused-title = As respostas automáticas estão pausadas
app-status-paused-text = Seu WhatsApp continua conectado e as mensagens continuam registradas, mas o assistente não responde.
app-status-resume = Ligar as respostas automáticas
app-status-error-title = Seu assistente está com problemas
app-status-error-text = Perdemos o contato com ele e nossa equipe já foi avisada. Você não precisa fazer nada; esta página se atualiza quando ele voltar.
app-status-fortnight = Seu assistente, últimos 14 dias
app-status-received = Mensagens recebidas
app-status-answered = Respondidas automaticamente
app-status-after-hours = Chegaram com a empresa fechada
app-status-handoffs = Pediram para falar com uma pessoa
app-chart-received = Recebidas
app-chart-sent = Enviadas
app-chart-days = { $count ->
    [one] em { $n } dia
   *[other] em { $n } dias
}

## Shared by the setup and settings forms.
app-business = Empresa
app-business-name = Nome da empresa
app-whatsapp-number = Número de WhatsApp
app-reply-language = Idioma das respostas
app-choose-language = Escolha um idioma.
app-timezone = Fuso horário
app-timezone-choose = Escolha o seu fuso horário
app-choose-timezone = Escolha o seu fuso horário.
app-optional = (opcional)
app-hours-title = Horário de funcionamento
app-hours-opens-closes = Abre – fecha
app-hours-after-break = Depois de um intervalo (opcional)
app-hours-copy-weekdays = Copiar o horário de segunda para terça a sexta
app-hours-open = { $day }: aberto
app-hours-opens = { $day } abre
app-hours-closes = { $day } fecha
app-hours-opens-again = { $day } abre de novo
app-hours-closes-again = { $day } fecha de novo
app-hours-half-range = Informe o horário de abertura e o de fechamento.
app-hours-empty-range = O horário de fechamento deve ser diferente do de abertura.
app-hours-bad-time = Digite um horário como 09:30.
app-hours-midnight = 24:00 só pode encerrar um período.
app-hours-too-many = No máximo dois períodos por dia.
app-hours-timezone = Escolha um fuso horário da lista.
app-day-mon = Segunda-feira
app-day-tue = Terça-feira
app-day-wed = Quarta-feira
app-day-thu = Quinta-feira
app-day-fri = Sexta-feira
app-day-sat = Sábado
app-day-sun = Domingo

## The setup form (/app/setup).
app-setup-title = Sua empresa
app-setup-intro = O que o seu assistente precisa para atender bem os seus clientes.
app-setup-sent = Seus dados foram enviados. Para alterá-los, fale com a gente; estes são os dados que temos.
app-setup-type = Tipo de negócio
app-setup-choose-type = Escolha o tipo de negócio.
app-setup-hours-hint = Desmarque os dias em que você fecha. Use o segundo período para um intervalo (por exemplo, 09:00–13:00 e 15:00–19:00); de 00:00 a 00:00 significa aberto o dia todo.
app-setup-notes = Algo que devemos saber?
app-setup-send = Enviar para aprovação

## The settings form (/app/settings, and the console's twin).
app-settings-of = Ajustes de
app-settings-operator-intro = Salvo como alteração sua no histórico do cliente; o dono pode desfazê-la. O menu é editado pela API.
app-settings-intro = Mude o que o seu assistente diz e quando, a qualquer momento. Ele responde com os novos ajustes assim que você salva.
app-settings-edit-menu = Editar o menu
app-settings-facts = Onde encontrar você
app-settings-facts-hint = Seu assistente informa estes dados quando os clientes perguntam, e qualquer texto pode usá-los: {"{"}address{"}"}, {"{"}map_link{"}"}, {"{"}website{"}"}, {"{"}catalog_link{"}"}, {"{"}phone{"}"}. Deixe em branco o que você não tem.
app-settings-hours-hint = Desmarque os dias em que você fecha. Use o segundo período para um intervalo; de 00:00 a 00:00 significa aberto o dia todo.
app-closures-title = Dias fechados
app-closures-hint = Feriados e férias: de uma data a outra, ambas incluídas. A mensagem de ausência diz então o dia em que você abre de novo. Deixe "Até" em branco para um único dia.
app-closure-n = Fechamento { $n }
app-closure-from = De
app-closure-to = Até
app-closure-note = Observação
app-closure-note-example = Natal
app-closures-remove-hint = Para remover um fechamento, apague as datas. Salve para ter mais linhas em branco.
app-texts-title = O que o seu assistente diz
app-texts-hint = {"{"}business_name{"}"} é o nome da sua empresa e {"{"}hours{"}"} o seu horário de funcionamento; os dados acima também funcionam. Um texto que volta ao sugerido passa a seguir a sugestão de novo.
app-settings-save = Salvar os ajustes
app-settings-saved-applied = Salvo. O assistente já responde com os novos ajustes.
app-settings-saved-later = Salvo. O assistente está offline agora e assume os novos ajustes quando voltar.
app-settings-not-saved = Nada foi salvo: corrija os campos marcados.
app-settings-bad-url = Digite um endereço completo começando com https://, como https://exemplo.com.br.
app-fact-address = Endereço
app-fact-map-link = Link do mapa
app-fact-website = Site
app-fact-catalog-link = Link do catálogo ou tabela de preços
app-fact-phone = Telefone para ligações
app-text-greeting = Saudação
app-text-greeting-hint = A primeira mensagem de uma conversa, antes do menu.
app-text-menu-intro = Antes do menu
app-text-menu-intro-hint = A linha acima do menu numerado.
app-text-menu-hint = Depois do menu
app-text-menu-hint-hint = A linha abaixo do menu numerado.
app-text-away = Mensagem de ausência
app-text-away-hint = Quando você está fechado; {"{"}next_opening{"}"} diz quando você abre de novo.
app-text-away-no-hours = Mensagem de ausência, sem horário definido
app-text-away-no-hours-hint = Quando você está fechado e não há horário de abertura definido.
app-text-handoff = Um cliente pede para falar com uma pessoa
app-text-handoff-hint = Enquanto você está aberto.
app-text-handoff-closed = Um cliente pede para falar com uma pessoa, fechado
app-text-handoff-closed-hint = {"{"}next_opening{"}"} diz quando você abre de novo.
app-text-fallback = Não entendida
app-text-fallback-hint = Quando o bot não consegue saber o que o cliente quer.

## Shared words.
app-save = Salvar
app-saved = Salvo.
app-actions = Ações
app-pages = Páginas
app-next-page = Próxima página
app-js-page-updated = Página atualizada.

## The message log (/app/messages, and the console's tenant page).
app-messages-intro = O que os clientes escreveram e o que o seu assistente respondeu. Horários em { $timezone }.
app-messages-pages = Páginas de mensagens
app-messages-newest = Mais recentes
app-messages-older = Anteriores
app-messages-none = Ainda não há mensagens.
app-messages-when = Quando
app-messages-direction = Direção
app-messages-from = De
app-messages-to = Para
app-messages-message = Mensagem
app-messages-in = Recebida
app-messages-out = Enviada

## The menu editor (/app/menu); the app-menu-js-* texts are the script's.
app-menu-title = Seu menu
app-menu-intro = O que os clientes podem pedir por número ou por uma palavra-chave. Cada opção responde com o seu texto e depois com o seu arquivo (uma foto ou um PDF), se tiver. Uma opção pode abrir um submenu.
app-menu-noscript = O editor do menu precisa de JavaScript. A API aceita o mesmo menu:
app-menu-loading = Carregando o seu menu…
app-menu-items = Opções do menu
app-menu-add = Adicionar uma opção
app-menu-save = Salvar o menu
app-menu-reset = Voltar ao menu sugerido
app-menu-js-item = Opção {"{"}n{"}"}
app-menu-js-sub-item = Subopção {"{"}n{"}"}
app-menu-js-move-up = Mover para cima
app-menu-js-move-down = Mover para baixo
app-menu-js-remove = Remover
app-menu-js-remove-item = Remover esta opção
app-menu-js-label = Nome no menu
app-menu-js-answer = Resposta
app-menu-js-answer-above = Resposta (aparece acima do submenu; pode ficar em branco)
app-menu-js-keywords = Palavras-chave (separadas por vírgulas)
app-menu-js-keywords-example = pix, pagamento, pagar
app-menu-js-keywords-hint = O cliente que escrever uma delas recebe esta resposta.
app-menu-js-file = Arquivo enviado depois da resposta (foto ou PDF, até 16 MB)
app-menu-js-remove-file = Remover o arquivo
app-menu-js-too-large = {"{"}name{"}"} tem mais de 16 MB.
app-menu-js-sub-items-of = Subopções da opção {"{"}n{"}"}
app-menu-js-add-sub = Adicionar uma subopção
app-menu-js-not-saved = Nada foi salvo.
app-menu-js-try-again = Tente de novo.
app-menu-js-saved-now = Salvo. Seu assistente já responde com este menu.
app-menu-js-saved-later = Salvo. Seu assistente está offline e assume este menu quando voltar.
app-menu-js-connection-failed = Nada foi salvo: a conexão falhou. Tente de novo.
app-menu-js-reset-confirm = Substituir o seu menu pelo sugerido para o seu tipo de negócio?
app-menu-js-load-failed = Não foi possível carregar o seu menu. Recarregue a página.

## Trying the bot (/app/preview).
app-preview-intro = Escreva como um cliente novo escreveria e veja o que o seu assistente responde agora. Nada é enviado a ninguém.
app-preview-message = Mensagem do cliente
app-preview-example = Oi! Vocês abrem no domingo?
app-preview-ask = O que o meu bot responderia?
app-preview-answer = Seu bot responderia
app-preview-quiet = Nada: ele fica em silêncio.
app-preview-open = Você está aberto agora.
app-preview-closed = Você está fechado agora.
app-preview-closed-until = Você está fechado agora; abre de novo em { $at }.
app-preview-empty = Escreva uma mensagem, como um cliente escreveria.
app-why-welcome = Uma primeira mensagem recebe a saudação e o menu.
app-why-answer = A mensagem combinou com opções do menu.
app-why-fallback = O bot não entendeu, então avisa e mostra o menu.
app-why-away = Você está fechado agora, então o bot envia a mensagem de ausência.
app-why-handoff = O cliente pediu para falar com uma pessoa: o bot passa a conversa para você.
app-why-nothing = Nada a responder (um obrigado, um emoji…).
app-why-away-already = Fechado, e este cliente já recebeu a mensagem de ausência.
app-why-handed-off = O cliente está esperando uma pessoa.
app-why-limit = Respostas demais neste minuto.
app-why-not-direct = Não é uma mensagem direta de um cliente.

## Alerts (/app/alerts, and the console's /admin/alerts).
app-alert-mails = E-mails de alerta
app-alert-mails-intro = E-mails para você quando algo dá errado e quando tudo volta ao normal.
app-alert-digest = O resumo semanal, às segundas de manhã
app-alert-unlinked = O WhatsApp foi desconectado do celular
app-alert-qr-expired = Os códigos QR acabaram durante a conexão
app-alert-banned = O WhatsApp bloqueou o número por um tempo
app-alert-disconnected = Desconectado por mais de 10 minutos
app-alert-worker-error = Um worker em ERRO (parado ou reiniciando sem parar)
app-alert-outdated-client = O WhatsApp recusou um cliente desatualizado
app-alert-silent = Nenhuma mensagem de cliente por muito mais tempo que o normal com a empresa aberta
app-alerts-none = Nenhum alerta. Celulares desconectados, bloqueios e workers em ERRO aparecem aqui, uma linha por ocorrência.
app-alerts-tenant = Cliente
app-alerts-alert = Alerta
app-alerts-state = Situação
app-alerts-opened = Aberto
app-alerts-cleared = Resolvido
app-alerts-mails = E-mails
app-alerts-seen = { $count ->
    [one] visto uma vez
   *[other] visto { $n } vezes
}
app-alerts-state-open = Aberto
app-alerts-state-cleared = Resolvido
app-alerts-told-both = Alerta e volta ao normal
app-alerts-told-alert = Alerta
app-alerts-told-none = Nenhum ainda

## API keys (/app/api-keys).
app-keys-intro = As chaves permitem que o sistema da sua loja, o seu CRM ou a sua ferramenta de automação usem a API do Flow HQ para a sua empresa: enviar mensagens, ler mensagens e contatos. Dê a cada ferramenta a sua própria chave, só com o que ela precisa.
app-keys-new-key = Sua nova chave
app-keys-copy-now = Copie agora: ela aparece só desta vez. O Flow HQ guarda apenas uma impressão digital dela e não consegue mostrá-la de novo.
app-keys-secret = Segredo
app-keys-how = Sua ferramenta a envia em cada requisição, como
app-keys-described = A API está descrita em
app-keys-tag = (tag “public”).
app-keys-new = Nova chave
app-keys-name = Nome
app-keys-name-example = Minha loja
app-keys-may = Ela pode
app-keys-create = Criar a chave
app-keys-yours = Suas chaves
app-keys-none = Ainda não há chaves.
app-keys-key = Chave
app-keys-may-column = Pode
app-keys-last-used = Último uso
app-keys-never = nunca
app-keys-revoked-at = Revogada em { $at }
app-keys-revoke-confirm = Revogar “{ $name }”? As ferramentas que a usam param de funcionar na hora.
app-keys-revoke = Revogar
app-keys-revoked = A chave foi revogada: ela não abre mais nada.
app-keys-pick-scope = Marque pelo menos uma coisa que a chave pode fazer.
app-keys-name-refused = Nome: { $reason }
app-scope-messages-send = Enviar mensagens
app-scope-messages-read = Ler mensagens
app-scope-contacts-read = Ler contatos
app-scope-webhooks-manage = Gerenciar webhooks

## Webhooks (/app/webhooks, and the console's /admin/webhooks).
app-hooks-intro-operators = Os eventos de todas as empresas são enviados para estes endereços, assim como para os endpoints de cada empresa.
app-hooks-intro-owner = O Flow HQ envia o que acontece (mensagens, pedidos de atendimento humano, o estado do WhatsApp) para os seus sistemas: um CRM, o n8n, a sua loja.
app-hooks-signed = Cada requisição é assinada
app-hooks-retried = , tentada de novo por cerca de três dias e, se nunca chegar, guardada como mensagem com falha que você pode reenviar.
app-hooks-secret = Segredo de assinatura
app-hooks-copy-now = Copie agora: ele não aparece de novo.
app-hooks-replay-dead = { $count ->
    [one] Reenviar { $n } mensagem com falha
   *[other] Reenviar { $n } mensagens com falha
}
app-hooks-switch-off = Desligar
app-hooks-switch-on = Ligar
app-hooks-new-secret = Novo segredo
app-hooks-delete-confirm = Excluir este endpoint e o seu registro de envios?
app-hooks-delete = Excluir
app-hooks-nothing-sent = Nada enviado ainda.
app-hooks-latest = Últimos envios
app-hooks-event = Evento
app-hooks-state = Situação
app-hooks-attempts = Tentativas
app-hooks-last-answer = Última resposta
app-hooks-queued = Na fila
app-hooks-replay = Reenviar
app-hooks-add-title = Adicionar um endpoint
app-hooks-address = Endereço
app-hooks-events = Eventos
app-hooks-add = Adicionar endpoint
app-hooks-pick-event = Escolha pelo menos um evento.
app-hooks-added = { $url } adicionado.
app-hooks-rotated = Novo segredo abaixo; o anterior continua assinando junto com ele por 24 horas.
app-hooks-url-https = Digite um endereço completo começando com https:// ou http://.
app-hooks-url-credentials = O endereço não pode conter usuário nem senha.
app-hooks-off-since = Desligado desde { $at }: { $reason }
app-hooks-failing-since = Falhando desde { $at }
app-hooks-on = Ligado
app-delivery-delivered = Entregue
app-delivery-queued = Na fila
app-delivery-retrying = Tentando de novo
app-delivery-dead = Com falha
app-delivery-answered = respondeu { $code }
app-event-message-received = Chegou uma mensagem de um cliente
app-event-message-sent = Uma mensagem foi enviada
app-event-message-status = Uma mensagem enviada foi entregue ou lida
app-event-handoff-requested = Um cliente pediu para falar com uma pessoa
app-event-session-status = O WhatsApp conectou, saiu, foi bloqueado ou o QR expirou
app-event-tenant-status = A situação da empresa mudou
app-event-alert-opened = Um alerta foi aberto (desconectado, bloqueado, worker em ERRO, …)
app-event-alert-cleared = Um alerta voltou ao normal

## The weekly digest's link (/digest/off).
app-digest-title = Resumo semanal
app-digest-done-off = Pronto: você não vai mais receber o resumo semanal.
app-digest-done-on = Pronto: o resumo semanal está ligado de novo.
app-digest-on-text = Toda segunda de manhã você recebe um e-mail com as mensagens da semana passada, a parte que chegou fora do horário, os pedidos de atendimento humano e as perguntas mais frequentes.
app-digest-stop = Parar o resumo semanal
app-digest-off-text = Você não recebe o resumo semanal. Os alertas sobre a sua conexão do WhatsApp continuam chegando.
app-digest-restart = Ligar de novo
app-digest-invalid = Este link não é válido. Entre para mudar os seus e-mails na página de alertas.

## A caixa de entrada
app-inbox-intro = Todas as conversas com seus clientes, as mais recentes primeiro. O assistente responde primeiro; quem pediu para falar com uma pessoa fica marcado.
app-inbox-search = Buscar
app-inbox-search-hint = Nome, número ou palavras de uma mensagem
app-inbox-filters = Mostrar
app-inbox-all = Todas
app-inbox-wants-person = Quer uma pessoa
app-inbox-unread = Não lidas
app-inbox-empty = Ainda não há conversas: elas aparecem aqui quando os clientes escrevem.
app-inbox-nothing-found = Nenhuma conversa encontrada.
app-inbox-you = Você
app-inbox-unread-count = { $count ->
    [one] { $count } mensagem não lida
   *[other] { $count } mensagens não lidas
}
app-inbox-assistant = Assistente
app-inbox-from-phone = Do seu celular
app-inbox-from-api = Pela API
app-inbox-status-sent = enviada
app-inbox-status-delivered = entregue
app-inbox-status-read = lida
app-inbox-status-failed = não entregue
app-inbox-notice-sent = Enviada ao WhatsApp do cliente. O assistente fica quieto nesta conversa até você resolvê-la ou passarem 12 horas.
app-inbox-notice-resolved = Resolvida: o assistente volta a responder este cliente.
app-inbox-notice-assistant-on = O assistente volta a responder este cliente.
app-inbox-notice-assistant-off = O assistente não responde mais este cliente; quem responde é você.
app-inbox-notice-saved = Contato salvo.
app-inbox-file-refused = Envie uma foto (JPEG, PNG ou WebP) ou um PDF de no máximo 16 MiB.
app-inbox-assistant-on = Assistente respondendo
app-inbox-assistant-off = Assistente desligado
app-inbox-person-has-it = Uma pessoa está respondendo
app-inbox-resolve = Resolver
app-inbox-turn-assistant-on = Ligar o assistente
app-inbox-turn-assistant-off = Desligar o assistente
app-inbox-conversation = Conversa
app-inbox-earlier = Mensagens anteriores
app-inbox-asked-person = pediu uma pessoa
app-inbox-waiting = Aguardando a conexão do assistente
app-inbox-no-messages = Nenhuma mensagem.
app-inbox-answer = Responder
app-inbox-message = Mensagem
app-inbox-attach = Foto ou PDF (opcional)
app-inbox-attach-hint = JPEG, PNG, WebP ou PDF, no máximo 16 MiB. A mensagem vira a legenda.
app-inbox-bot-quiet = Depois da sua resposta, o assistente fica quieto nesta conversa até você tocar em "Resolver" ou passarem 12 horas.
app-inbox-send = Enviar
app-inbox-contact = Contato
app-inbox-name = Nome
app-inbox-labels = Etiquetas
app-inbox-labels-hint = Separadas por vírgulas, ex.: vip, entrega
app-inbox-notes = Observações
app-inbox-save-contact = Salvar contato
app-js-inbox-updated = Novidades na caixa de entrada.
app-inbox-saved-answers = Respostas rápidas
app-inbox-saved-answers-hint = Digite / e um atalho na mensagem, ou escolha uma; o arquivo dela vai junto.
app-inbox-no-saved-answer = Nenhuma
app-quick-intro = Respostas que você dá com frequência, com foto ou PDF se quiser. Numa conversa, digite / e o atalho.
app-quick-new = Nova resposta rápida
app-quick-shortcut = Atalho
app-quick-shortcut-example = horario
app-quick-shortcut-hint = Uma palavra: letras, dígitos, - e _. Você digita depois de "/".
app-quick-save = Salvar resposta rápida
app-quick-yours = Suas respostas rápidas
app-quick-none = Ainda não há respostas rápidas.
app-quick-delete = Excluir
app-quick-delete-one = Excluir /{ $shortcut }
app-quick-saved = Resposta rápida salva.
app-quick-deleted = Resposta rápida excluída.
app-quick-taken = Outra resposta rápida já usa este atalho.
app-inbox-retention = Fotos e arquivos
app-inbox-retention-days = Guardar por (dias)
app-inbox-retention-hint = As fotos e arquivos das conversas são apagados este número de dias depois de chegarem; deixe em branco para guardá-los. As mensagens ficam. Os arquivos do seu menu e das respostas rápidas nunca são apagados.
app-inbox-retention-save = Salvar
app-inbox-retention-saved = Salvo: por quanto tempo fotos e arquivos são guardados.
app-inbox-retention-invalid = Informe um número de dias de 1 a { $max }, ou deixe em branco.

# Staff (/app/staff)
app-inbox-former-user = Um usuário antigo
app-staff-intro = As pessoas que respondem aos seus clientes pela caixa de entrada com você. A equipe vê a caixa de entrada e os contatos; configurações, chaves e equipe continuam sendo seus.
app-staff-col-role = Papel
app-staff-role-owner = Dono
app-staff-role-staff = Equipe
app-staff-invite-title = Convidar alguém
app-staff-invite-help = A pessoa recebe um e-mail com um link para escolher a senha; até lá a conta não consegue entrar. Cada resposta enviada mostra o nome dela.
app-staff-invited = Convite enviado para { $email }. O link funciona por 7 dias.
app-staff-remove = Remover
app-staff-remove-one = Remover { $name }
app-staff-removed = Removido: não consegue mais entrar. As respostas continuam nas conversas.
