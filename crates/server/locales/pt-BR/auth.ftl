login-title = Entrar
login-email = E-mail
login-password = Senha
login-forgot = Esqueceu a senha?
login-new-here = Primeira vez aqui?
login-create-account = Crie uma conta para o seu negócio
login-signed-out = Você saiu da sua conta.
login-password-reset = Sua senha foi alterada. Entre com a nova.
login-expired = Sua sessão terminou. Entre de novo para voltar para onde você estava.
login-invited = Sua conta está aberta. Entre com a senha que você escolheu.
login-mismatch = Esse e-mail e essa senha não correspondem a nenhuma conta.
login-too-many = Muitas tentativas sem sucesso. Tente de novo em { $minutes } minuto(s).

signup-title = Cadastro
signup-heading = Crie sua conta
signup-lead = Configure um assistente de WhatsApp que responde seus clientes, de dia e de noite.
signup-name = Seu nome
signup-business-name = Nome do negócio
signup-email = E-mail
signup-phone = Celular
signup-phone-hint = Digite como você digitaria aqui, por exemplo 11 98765-4321, ou com + e o código do país.
signup-password = Senha
signup-password-hint = Pelo menos 10 caracteres.
signup-submit = Criar conta
signup-have-account = Já tem uma conta?

forgot-title = Esqueci a senha
forgot-heading = Esqueceu sua senha?
forgot-sent = Se alguma conta usa esse endereço, um link para escolher uma nova senha está a caminho.
forgot-sent-help = O link funciona uma vez, por 30 minutos. Não chegou? Veja a pasta de spam ou peça de novo em alguns minutos.
forgot-lead = Digite o e-mail com que você entra; enviaremos um link para escolher uma nova senha.
forgot-submit = Enviar um link
forgot-back = Voltar para entrar

reset-title = Escolha uma nova senha
reset-password = Nova senha
reset-password-hint = Pelo menos 10 caracteres. Todos os aparelhos conectados à sua conta serão desconectados.
reset-password-again = A mesma senha de novo
reset-submit = Salvar a nova senha
reset-bad-link = Este link é inválido, já foi usado ou expirou.
reset-ask-again = Peça um novo

verify-title = Confirme seu e-mail
verify-done = Obrigado: seu e-mail está confirmado.
verify-to-portal = Ir para o seu portal
verify-lead = Um clique confirma que este endereço é seu.
verify-submit = Confirmar meu e-mail
verify-bad-link = Este link é inválido, já foi usado ou expirou. Entre no seu portal para receber um novo.

invite-title = Entre no Flow HQ
invite-password = Escolha uma senha
invite-password-hint = Pelo menos 10 caracteres, difícil de adivinhar.
invite-password-again = A mesma senha de novo
invite-submit = Abrir minha conta
invite-bad-link = Este convite é inválido, já foi usado ou expirou. Peça um novo ao operador que convidou você.
