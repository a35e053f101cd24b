skip-to-content = Pular para o conteúdo
nav-main = Principal
nav-dashboard = Painel
nav-tenants = Empresas
nav-setup-requests = Solicitações
nav-alerts = Alertas
nav-mail = E-mails
nav-webhooks = Webhooks
nav-operators = Operadores
nav-status = Status
nav-setup = Configuração
nav-inbox = Caixa de entrada
nav-quick-replies = Respostas rápidas
nav-messages = Mensagens
nav-settings = Ajustes
nav-menu = Menu
nav-preview = Teste seu bot
nav-api-keys = Chaves de API
nav-staff = Equipe
log-out = Sair
log-in = Entrar
language-switcher = Idioma
language-en = English
language-es = Español
language-pt = Português

error-status = Erro { $status }
error-home = Ir para a página inicial
error-form-expired = Este formulário expirou
error-form-expired-text = Para sua segurança, o formulário foi recusado. Volte, recarregue a página e tente de novo.
error-not-found = Não encontrado
error-not-found-text = Não encontramos essa página.
error-forbidden = Não permitido
error-forbidden-text = Você não pode abrir esta página.
error-internal = Algo deu errado
error-internal-text = Algo deu errado do nosso lado; o erro foi registrado.
error-other = Isso não funcionou
error-unavailable-text = Estamos muito ocupados agora. Tente de novo em instantes.
error-too-many = Muitas tentativas. Tente de novo em { $minutes } minuto(s).

ago-seconds = há { $n } s
ago-minutes = há { $n } min
ago-hours = há { $n } h
ago-days = { $count ->
    [one] há { $n } dia
   *[other] há { $n } dias
}

form-correct-fields = Corrija os campos marcados.
field-required = Este campo é obrigatório.
field-too-long = Deve ter no máximo { $n } caracteres.
field-phone-format = Digite o número com o código do país, começando com + (por exemplo +55 11 98765-4321).
field-phone-digits = Depois do + só pode haver dígitos.
field-phone-length = Um número de telefone tem de 8 a 15 dígitos.
field-phone-zero = Códigos de país não começam com 0.
field-control-characters = Quebras de linha, tabulações e outros caracteres de controle não são permitidos aqui.
field-email-invalid = Isto não parece um endereço de e-mail.
field-email-taken = Já existe uma conta com este e-mail.
field-password-short = A senha precisa de pelo menos 10 caracteres.
field-password-weak = Esta senha é fácil demais de adivinhar. Tente uma frase mais longa.
field-passwords-differ = As duas senhas são diferentes.

tenant-status-new = Novo
tenant-status-pending = Aguardando aprovação
tenant-status-approved = Aprovado
tenant-status-qr-pending = Aguardando conectar o WhatsApp
tenant-status-active = No ar
tenant-status-paused = Pausado
tenant-status-error = Erro
worker-status-stopped = Parado
worker-status-starting = Iniciando
worker-status-running = Rodando
worker-status-stopping = Parando
worker-status-error = Erro
session-state-disconnected = Desconectado
session-state-connecting = Conectando
session-state-qr-ready = QR code pronto
session-state-connected = Conectado
session-state-logged-out = Desconectado pelo celular
session-not-running = Sem conexão (o processo não está rodando)
template-type-restaurant = Restaurante ou café
template-type-clinic = Clínica ou consultório
template-type-salon = Salão ou estética
template-type-retail = Loja
template-type-generic = Outro negócio
decision-welcome = Boas-vindas
decision-answer = Resposta
decision-fallback = Não entendeu
decision-away = Fechado: mensagem de ausência
decision-handoff = Passado para uma pessoa
decision-not-direct-chat = Não é uma conversa direta
decision-from-business = Do negócio
decision-handed-off = Uma pessoa está respondendo
decision-away-already-sent = Fechado: já avisado
decision-nothing-to-answer = Nada a responder
decision-contact-limit = Mensagens demais deste cliente
decision-tenant-limit = Mensagens demais para o negócio
decision-paused = Assistente pausado
setup-request-status-pending = Aguardando
setup-request-status-approved = Aprovada
setup-request-status-rejected = Recusada

# How long a customer waited for the first reply.
activity-wait-seconds = { $n } s
activity-wait-minutes = { $n } min
activity-wait-hours = { $n } h
activity-first-reply = espera mediana até a primeira resposta
activity-top-items = Mais escolhidos no menu
activity-times = { $count ->
    [one] uma vez
   *[other] { $n } vezes
}
