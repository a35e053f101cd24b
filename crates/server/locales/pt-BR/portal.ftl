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
