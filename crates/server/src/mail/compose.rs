//! What each mail says, in English, Spanish and Portuguese. Every mail is
//! one [`Letter`]: a greeting, a few paragraphs, at most one link and a
//! note, rendered to a plain-text part and an HTML part (an askama template,
//! so whatever a user typed, like a business name, is escaped).

use askama::Template;
use flowhq_domain::Language;
use flowhq_domain::alerts::AlertKind;

/// A mail ready to queue.
#[derive(Clone, Debug)]
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub struct Action {
    pub label: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct Letter {
    lang: &'static str,
    subject: String,
    greeting: String,
    paragraphs: Vec<String>,
    action: Option<Action>,
    note: String,
}

impl Letter {
    fn new(language: Language, subject: String, greeting: String) -> Self {
        Self {
            lang: match language {
                Language::En => "en",
                Language::Es => "es",
                Language::Pt => "pt",
            },
            subject,
            greeting,
            paragraphs: Vec::new(),
            action: None,
            note: String::new(),
        }
    }

    fn paragraph(mut self, text: impl Into<String>) -> Self {
        self.paragraphs.push(text.into());
        self
    }

    fn action(mut self, label: &str, url: &str) -> Self {
        self.action = Some(Action {
            label: label.to_owned(),
            url: url.to_owned(),
        });
        self
    }

    fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    fn finish(self) -> Composed {
        let mut text = format!("{}\n\n", self.greeting);
        for p in &self.paragraphs {
            text.push_str(p);
            text.push_str("\n\n");
        }
        if let Some(a) = &self.action {
            text.push_str(&format!("{}:\n{}\n\n", a.label, a.url));
        }
        if !self.note.is_empty() {
            text.push_str(&self.note);
            text.push_str("\n\n");
        }
        text.push_str("Flow HQ\n");
        // The template has no logic that can fail on these fields; should
        // it ever, the text part alone still says everything.
        let html = self.render().unwrap_or_else(|e| {
            tracing::error!(error = %e, "rendering a mail's HTML part");
            String::new()
        });
        Composed {
            subject: self.subject,
            text,
            html,
        }
    }
}

fn hello(language: Language, name: &str) -> String {
    match language {
        Language::En => format!("Hello {name},"),
        Language::Es => format!("Hola {name}:"),
        Language::Pt => format!("Olá {name},"),
    }
}

/// A link to choose a new password, valid once for 30 minutes.
pub fn password_reset(language: Language, name: &str, link: &str) -> Composed {
    let (subject, body, label, note) = match language {
        Language::En => (
            "Reset your Flow HQ password",
            "Someone (we hope you) asked to reset the password of your Flow HQ account.",
            "Choose a new password",
            "The link works once, for 30 minutes. If you did not ask for it, ignore this mail: \
             your password stays as it is.",
        ),
        Language::Es => (
            "Restablece tu contraseña de Flow HQ",
            "Alguien (esperamos que tú) pidió restablecer la contraseña de tu cuenta de Flow HQ.",
            "Elegir una contraseña nueva",
            "El enlace funciona una vez, durante 30 minutos. Si no lo pediste, ignora este \
             correo: tu contraseña no cambia.",
        ),
        Language::Pt => (
            "Redefina sua senha do Flow HQ",
            "Alguém (esperamos que você) pediu para redefinir a senha da sua conta do Flow HQ.",
            "Escolher uma nova senha",
            "O link funciona uma vez, por 30 minutos. Se você não pediu, ignore este e-mail: \
             sua senha continua a mesma.",
        ),
    };
    Letter::new(language, subject.to_owned(), hello(language, name))
        .paragraph(body)
        .action(label, link)
        .note(note)
        .finish()
}

/// An owner's invitation to answer their business's customers from the
/// inbox: choose a password, valid for a week.
pub fn staff_invitation(
    language: Language,
    name: &str,
    inviter: &str,
    business: &str,
    link: &str,
) -> Composed {
    let (subject, body, label, note) = match language {
        Language::En => (
            format!("{business} invites you to its Flow HQ inbox"),
            format!(
                "{inviter} invited you to answer {business}'s customers on WhatsApp from the Flow HQ inbox."
            ),
            "Choose your password",
            "The link works once, for 7 days. If you do not know why you got this, ignore it.",
        ),
        Language::Es => (
            format!("{business} te invita a su bandeja de Flow HQ"),
            format!(
                "{inviter} te invitó a responder a los clientes de {business} en WhatsApp desde la bandeja de Flow HQ."
            ),
            "Elegir tu contraseña",
            "El enlace funciona una vez, durante 7 días. Si no sabes por qué lo recibiste, ignóralo.",
        ),
        Language::Pt => (
            format!("{business} convida você para a caixa de entrada do Flow HQ"),
            format!(
                "{inviter} convidou você para responder aos clientes de {business} no WhatsApp pela caixa de entrada do Flow HQ."
            ),
            "Escolher sua senha",
            "O link funciona uma vez, por 7 dias. Se não sabe por que recebeu isto, ignore.",
        ),
    };
    Letter::new(language, subject, hello(language, name))
        .paragraph(&body)
        .action(label, link)
        .note(note)
        .finish()
}

/// An invitation to run Flow HQ as an operator: choose a password, valid
/// for a week.
pub fn invitation(language: Language, name: &str, inviter: &str, link: &str) -> Composed {
    let (subject, body, label, note) = match language {
        Language::En => (
            "You are invited to Flow HQ".to_owned(),
            format!(
                "{inviter} invited you to operate Flow HQ: approve businesses, watch their assistants and help them when something breaks."
            ),
            "Choose your password",
            "The link works once, for 7 days. If you do not know why you got this, ignore it.",
        ),
        Language::Es => (
            "Te invitan a Flow HQ".to_owned(),
            format!(
                "{inviter} te invitó a operar Flow HQ: aprobar negocios, vigilar sus asistentes y ayudarles cuando algo falla."
            ),
            "Elegir tu contraseña",
            "El enlace funciona una vez, durante 7 días. Si no sabes por qué lo recibiste, ignóralo.",
        ),
        Language::Pt => (
            "Você foi convidado para o Flow HQ".to_owned(),
            format!(
                "{inviter} convidou você para operar o Flow HQ: aprovar negócios, acompanhar os assistentes e ajudar quando algo falhar."
            ),
            "Escolher sua senha",
            "O link funciona uma vez, por 7 dias. Se não sabe por que recebeu isto, ignore.",
        ),
    };
    Letter::new(language, subject, hello(language, name))
        .paragraph(&body)
        .action(label, link)
        .note(note)
        .finish()
}

/// The link that confirms a new account's address, valid for a week.
pub fn verify_email(language: Language, name: &str, link: &str) -> Composed {
    let (subject, body, label, note) = match language {
        Language::En => (
            "Confirm your email for Flow HQ",
            "Welcome to Flow HQ! Please confirm that this is your address, so that our team \
             knows whom they approve and your alerts reach you.",
            "Confirm my email",
            "The link works for 7 days. If you did not sign up, ignore this mail.",
        ),
        Language::Es => (
            "Confirma tu correo para Flow HQ",
            "¡Te damos la bienvenida a Flow HQ! Confirma que esta es tu dirección, para que \
             nuestro equipo sepa a quién aprueba y tus avisos te lleguen.",
            "Confirmar mi correo",
            "El enlace funciona durante 7 días. Si no te registraste, ignora este correo.",
        ),
        Language::Pt => (
            "Confirme seu e-mail no Flow HQ",
            "Boas-vindas ao Flow HQ! Confirme que este é o seu endereço, para que nossa equipe \
             saiba quem está aprovando e seus alertas cheguem até você.",
            "Confirmar meu e-mail",
            "O link funciona por 7 dias. Se você não se cadastrou, ignore este e-mail.",
        ),
    };
    Letter::new(language, subject.to_owned(), hello(language, name))
        .paragraph(body)
        .action(label, link)
        .note(note)
        .finish()
}

/// The "it happened" mail of an alert. `business` is the tenant's name,
/// `detail` the worker's words (a ban's length), `link` where to act.
pub fn alert_opened(
    language: Language,
    kind: AlertKind,
    name: &str,
    business: &str,
    detail: Option<&str>,
    link: &str,
) -> Composed {
    use AlertKind::*;
    use Language::*;
    let (subject, body, label) = match (language, kind) {
        (En, Unlinked) => (
            format!("WhatsApp disconnected: {business}"),
            format!(
                "The phone of {business} unlinked Flow HQ, so your assistant is not answering \
                 customers. Link it again by scanning a new QR code."
            ),
            "Link WhatsApp again",
        ),
        (Es, Unlinked) => (
            format!("WhatsApp desconectado: {business}"),
            format!(
                "El teléfono de {business} desvinculó Flow HQ, así que tu asistente no está \
                 respondiendo a los clientes. Vuelve a vincularlo escaneando un código QR nuevo."
            ),
            "Vincular WhatsApp de nuevo",
        ),
        (Pt, Unlinked) => (
            format!("WhatsApp desconectado: {business}"),
            format!(
                "O telefone de {business} desvinculou o Flow HQ, então seu assistente não está \
                 respondendo aos clientes. Vincule de novo escaneando um novo código QR."
            ),
            "Vincular o WhatsApp de novo",
        ),
        (En, QrExpired) => (
            format!("WhatsApp not linked: the QR codes ran out ({business})"),
            "The QR codes ran out before one was scanned. Ask for new ones and scan one with \
             the business's phone."
                .to_owned(),
            "Get new QR codes",
        ),
        (Es, QrExpired) => (
            format!("WhatsApp sin vincular: se agotaron los códigos QR ({business})"),
            "Los códigos QR se agotaron antes de escanear uno. Pide nuevos y escanea uno con \
             el teléfono del negocio."
                .to_owned(),
            "Pedir códigos QR nuevos",
        ),
        (Pt, QrExpired) => (
            format!("WhatsApp não vinculado: os códigos QR acabaram ({business})"),
            "Os códigos QR acabaram antes de um ser escaneado. Peça novos e escaneie um com o \
             telefone do negócio."
                .to_owned(),
            "Pedir novos códigos QR",
        ),
        (En, Banned) => (
            format!("WhatsApp temporarily banned the number of {business}"),
            "WhatsApp temporarily banned the business's number; customers get no answers \
             until the ban ends."
                .to_owned(),
            "See the status",
        ),
        (Es, Banned) => (
            format!("WhatsApp bloqueó temporalmente el número de {business}"),
            "WhatsApp bloqueó temporalmente el número del negocio; los clientes no reciben \
             respuestas hasta que termine el bloqueo."
                .to_owned(),
            "Ver el estado",
        ),
        (Pt, Banned) => (
            format!("O WhatsApp bloqueou temporariamente o número de {business}"),
            "O WhatsApp bloqueou temporariamente o número do negócio; os clientes ficam sem \
             resposta até o bloqueio acabar."
                .to_owned(),
            "Ver o status",
        ),
        (En, Disconnected) => (
            format!("WhatsApp disconnected for more than 10 minutes: {business}"),
            "Flow HQ has not been able to reach WhatsApp for more than 10 minutes; it keeps \
             trying. Check that the business's phone is on and online."
                .to_owned(),
            "See the status",
        ),
        (Es, Disconnected) => (
            format!("WhatsApp desconectado hace más de 10 minutos: {business}"),
            "Flow HQ no consigue conectar con WhatsApp desde hace más de 10 minutos; sigue \
             intentándolo. Comprueba que el teléfono del negocio esté encendido y con internet."
                .to_owned(),
            "Ver el estado",
        ),
        (Pt, Disconnected) => (
            format!("WhatsApp desconectado há mais de 10 minutos: {business}"),
            "O Flow HQ não consegue falar com o WhatsApp há mais de 10 minutos; continua \
             tentando. Confira se o telefone do negócio está ligado e com internet."
                .to_owned(),
            "Ver o status",
        ),
        (En, Silent) => (
            format!("No customer messages for a while: {business}"),
            "WhatsApp looks connected, but no customer has written for much longer than usual \
             during opening hours. Check on the business's phone that messages arrive."
                .to_owned(),
            "See the status",
        ),
        (Es, Silent) => (
            format!("Sin mensajes de clientes desde hace un rato: {business}"),
            "WhatsApp parece conectado, pero ningún cliente escribe desde hace mucho más de lo \
             habitual en horario de atención. Comprueba en el teléfono del negocio que llegan \
             los mensajes."
                .to_owned(),
            "Ver el estado",
        ),
        (Pt, Silent) => (
            format!("Sem mensagens de clientes há um tempo: {business}"),
            "O WhatsApp parece conectado, mas nenhum cliente escreve há muito mais tempo que o \
             normal no horário de atendimento. Confira no telefone do negócio se as mensagens \
             chegam."
                .to_owned(),
            "Ver o status",
        ),
        // Operators' alerts: one wording, in the operator's language when
        // it is known, English otherwise.
        (_, WorkerError) => (
            format!("Worker in ERROR: {business}"),
            format!(
                "The worker of {business} stopped answering or kept crashing, and the tenant \
                 is in ERROR: it answers no customers until it is retried."
            ),
            "Open the tenant",
        ),
        (_, OutdatedClient) => (
            format!("WhatsApp refused an outdated client: {business}"),
            "WhatsApp refused this version of Flow HQ's client: update Flow HQ.".to_owned(),
            "Open the tenant",
        ),
    };
    let mut letter = Letter::new(language, subject, hello(language, name)).paragraph(body);
    if let Some(detail) = detail {
        letter = letter.paragraph(format!("({detail})"));
    }
    letter.action(label, link).finish()
}

/// The "back to normal" mail of an alert that was told about.
pub fn alert_cleared(
    language: Language,
    kind: AlertKind,
    name: &str,
    business: &str,
    link: &str,
) -> Composed {
    use AlertKind::*;
    use Language::*;
    let (subject, body, label) = match (language, kind) {
        (_, WorkerError | OutdatedClient) => (
            format!("Back to normal: {business}"),
            format!("The worker of {business} is out of ERROR."),
            "Open the tenant",
        ),
        (En, Silent) => (
            format!("Back to normal: {business}"),
            format!("Customers' messages reach {business} again."),
            "See the status",
        ),
        (Es, Silent) => (
            format!("Todo en orden otra vez: {business}"),
            format!("Los mensajes de los clientes vuelven a llegar a {business}."),
            "Ver el estado",
        ),
        (Pt, Silent) => (
            format!("Tudo normal de novo: {business}"),
            format!("As mensagens dos clientes voltaram a chegar a {business}."),
            "Ver o status",
        ),
        (En, _) => (
            format!("Back to normal: {business}"),
            format!("WhatsApp is connected again: the assistant of {business} answers customers."),
            "See the status",
        ),
        (Es, _) => (
            format!("Todo en orden otra vez: {business}"),
            format!(
                "WhatsApp vuelve a estar conectado: el asistente de {business} responde a los \
                 clientes."
            ),
            "Ver el estado",
        ),
        (Pt, _) => (
            format!("Tudo normal de novo: {business}"),
            format!(
                "O WhatsApp está conectado de novo: o assistente de {business} responde aos \
                 clientes."
            ),
            "Ver o status",
        ),
    };
    Letter::new(language, subject, hello(language, name))
        .paragraph(body)
        .action(label, link)
        .finish()
}

/// An endpoint that failed for days was switched off.
pub fn webhook_disabled(language: Language, name: &str, url: &str, link: &str) -> Composed {
    let (subject, body, label) = match language {
        Language::En => (
            "A webhook endpoint was disabled",
            format!(
                "Every delivery to {url} failed for three days, so Flow HQ stopped sending to it. \
                 The events it missed are kept as dead letters: fix the receiver, enable the \
                 endpoint again and replay them."
            ),
            "Open the webhooks",
        ),
        Language::Es => (
            "Se desactivó un endpoint de webhooks",
            format!(
                "Todas las entregas a {url} fallaron durante tres días, así que Flow HQ dejó de \
                 enviarle eventos. Los eventos perdidos quedan como cartas muertas: repara el \
                 receptor, vuelve a activar el endpoint y reenvíalos."
            ),
            "Abrir los webhooks",
        ),
        Language::Pt => (
            "Um endpoint de webhooks foi desativado",
            format!(
                "Todas as entregas para {url} falharam por três dias, então o Flow HQ parou de \
                 enviar eventos para ele. Os eventos perdidos ficam como cartas mortas: conserte \
                 o receptor, ative o endpoint de novo e reenvie-os."
            ),
            "Abrir os webhooks",
        ),
    };
    Letter::new(language, subject.to_owned(), hello(language, name))
        .paragraph(body)
        .action(label, link)
        .finish()
}

/// The owner's Monday mail: what the assistant did last week.
pub fn weekly_digest(
    language: Language,
    name: &str,
    business: &str,
    figures: &flowhq_domain::digest::Figures,
    portal: &str,
    off: &str,
) -> Composed {
    use Language::*;
    let pct = figures.after_hours_percent();
    let (subject, handled, after, handoffs, asked, none_asked, label, note) = match language {
        En => (
            format!("Your week on WhatsApp: {business}"),
            format!(
                "Customers sent {} messages and {} went out from the business.",
                figures.received, figures.sent
            ),
            format!(
                "{pct}% of the messages came in after hours ({}).",
                figures.after_hours
            ),
            format!("{} customers asked for a person.", figures.handoffs),
            "Most asked:",
            "No questions answered from the menu this week.",
            "Open Flow HQ",
            format!("You get this every Monday. Turn it off: {off}"),
        ),
        Es => (
            format!("Tu semana en WhatsApp: {business}"),
            format!(
                "Los clientes enviaron {} mensajes y el negocio envió {}.",
                figures.received, figures.sent
            ),
            format!(
                "El {pct}% de los mensajes llegó fuera de horario ({}).",
                figures.after_hours
            ),
            format!(
                "{} clientes pidieron hablar con una persona.",
                figures.handoffs
            ),
            "Lo más preguntado:",
            "Esta semana no se respondieron preguntas del menú.",
            "Abrir Flow HQ",
            format!("Recibes esto cada lunes. Desactivarlo: {off}"),
        ),
        Pt => (
            format!("Sua semana no WhatsApp: {business}"),
            format!(
                "Os clientes enviaram {} mensagens e o negócio enviou {}.",
                figures.received, figures.sent
            ),
            format!(
                "{pct}% das mensagens chegaram fora do horário ({}).",
                figures.after_hours
            ),
            format!(
                "{} clientes pediram para falar com uma pessoa.",
                figures.handoffs
            ),
            "Mais perguntado:",
            "Nenhuma pergunta respondida pelo menu nesta semana.",
            "Abrir o Flow HQ",
            format!("Você recebe isto toda segunda-feira. Desativar: {off}"),
        ),
    };
    let questions = if figures.top_questions.is_empty() {
        none_asked.to_owned()
    } else {
        let list: Vec<String> = figures
            .top_questions
            .iter()
            .map(|(q, n)| format!("“{q}” ({n})"))
            .collect();
        format!("{asked} {}", list.join(", "))
    };
    Letter::new(language, subject, hello(language, name))
        .paragraph(handled)
        .paragraph(after)
        .paragraph(handoffs)
        .paragraph(questions)
        .action(label, portal)
        .note(note)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_its_own_words_and_the_link() {
        let link = "http://127.0.0.1:8080/reset-password?token=abc";
        let subjects: Vec<String> = Language::ALL
            .iter()
            .map(|&l| {
                let mail = password_reset(l, "Ana", link);
                assert!(mail.text.contains(link), "{l}: {}", mail.text);
                assert!(mail.html.contains(link), "{l}: {}", mail.html);
                assert!(mail.text.contains("Ana"));
                mail.subject
            })
            .collect();
        assert_eq!(subjects[1], "Restablece tu contraseña de Flow HQ");
        assert_eq!(subjects[2], "Redefina sua senha do Flow HQ");
    }

    #[test]
    fn alerts_speak_the_tenants_language() {
        let link = "http://h/app";
        let es = alert_opened(
            Language::Es,
            AlertKind::Unlinked,
            "Ana",
            "Café Lua",
            None,
            link,
        );
        assert_eq!(es.subject, "WhatsApp desconectado: Café Lua");
        assert!(es.text.contains(link));
        let en = alert_opened(
            Language::En,
            AlertKind::Banned,
            "Ana",
            "Lua",
            Some("2h"),
            link,
        );
        assert!(en.text.contains("(2h)"), "{}", en.text);
        for language in Language::ALL {
            for kind in AlertKind::ALL {
                let opened = alert_opened(*language, *kind, "Ana", "Lua", None, link);
                let cleared = alert_cleared(*language, *kind, "Ana", "Lua", link);
                assert_ne!(opened.subject, cleared.subject);
                assert!(cleared.text.contains(link));
            }
        }
    }

    #[test]
    fn the_html_part_escapes_what_users_typed() {
        let mail = password_reset(Language::En, "<script>x</script>", "http://h/r?token=a&b=c");
        assert!(!mail.html.contains("<script>"), "{}", mail.html);
        // Still there, as text (askama writes `<` as `&#60;`).
        assert!(mail.html.contains("script&#62;x"), "{}", mail.html);
        assert!(mail.text.contains("<script>x</script>"));
    }
}
