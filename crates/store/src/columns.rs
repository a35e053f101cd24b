//! Column lists for each table, aliased with a short prefix so that joins can
//! select several entities at once. They are macros so that queries can be
//! assembled with `concat!` into static strings at compile time.

macro_rules! tenant_columns {
    () => {
        "t.id AS t_id, t.name AS t_name, t.phone_number AS t_phone_number, \
         t.status AS t_status, t.created_at AS t_created_at, t.updated_at AS t_updated_at"
    };
}

macro_rules! config_columns {
    () => {
        "c.id AS c_id, c.tenant_id AS c_tenant_id, c.template_type AS c_template_type, \
         c.business_name AS c_business_name, c.language AS c_language, \
         c.hours_json AS c_hours_json, c.overrides_json AS c_overrides_json, \
         c.closures_json AS c_closures_json, c.special_hours_json AS c_special_hours_json, \
         c.facts_json AS c_facts_json, c.menu_json AS c_menu_json, \
         c.created_at AS c_created_at, c.updated_at AS c_updated_at"
    };
}

macro_rules! session_columns {
    () => {
        "s.id AS s_id, s.tenant_id AS s_tenant_id, s.state AS s_state, s.last_qr AS s_last_qr, \
         s.qr_expires_at AS s_qr_expires_at, s.last_seen_at AS s_last_seen_at, \
         s.pairing_phone_number AS s_pairing_phone_number, \
         s.pairing_requested_at AS s_pairing_requested_at, s.pairing_code AS s_pairing_code, \
         s.pairing_code_expires_at AS s_pairing_code_expires_at, \
         s.new_qr_requested_at AS s_new_qr_requested_at, \
         s.created_at AS s_created_at, s.updated_at AS s_updated_at"
    };
}

macro_rules! worker_columns {
    () => {
        "w.id AS w_id, w.tenant_id AS w_tenant_id, w.process_name AS w_process_name, \
         w.status AS w_status, w.pid AS w_pid, w.last_heartbeat_at AS w_last_heartbeat_at, \
         w.last_error AS w_last_error, w.restarts AS w_restarts, \
         w.created_at AS w_created_at, w.updated_at AS w_updated_at"
    };
}

macro_rules! setup_request_columns {
    () => {
        "r.id AS r_id, r.tenant_id AS r_tenant_id, r.user_id AS r_user_id, \
         r.template_type AS r_template_type, r.whatsapp_number AS r_whatsapp_number, \
         r.status AS r_status, r.notes AS r_notes, r.created_at AS r_created_at, \
         r.updated_at AS r_updated_at"
    };
}

macro_rules! user_columns {
    () => {
        "u.id AS u_id, u.tenant_id AS u_tenant_id, u.name AS u_name, u.email AS u_email, \
         u.phone AS u_phone, u.role AS u_role, u.password_hash AS u_password_hash, \
         u.email_verified_at AS u_email_verified_at, u.language AS u_language, \
         u.created_at AS u_created_at, u.updated_at AS u_updated_at"
    };
}

/// A message's customer: who wrote it when it is inbound, whom it went
/// to otherwise. Spelled exactly as the index `message_log_peer_idx`
/// spells it (migration 0025), so that both databases use that index for
/// it; the argument is the table's alias in the query, if any.
macro_rules! message_peer {
    () => {
        "CASE direction WHEN 'INBOUND' THEN from_number ELSE to_number END"
    };
    ($alias:literal) => {
        concat!(
            "CASE ",
            $alias,
            ".direction WHEN 'INBOUND' THEN ",
            $alias,
            ".from_number ELSE ",
            $alias,
            ".to_number END"
        )
    };
}

macro_rules! message_columns {
    () => {
        concat!(
            "m.id AS m_id, m.tenant_id AS m_tenant_id, m.direction AS m_direction, \
         m.from_number AS m_from_number, m.to_number AS m_to_number, \
         m.message_text AS m_message_text, m.wa_message_id AS m_wa_message_id, \
         m.bot_decision AS m_bot_decision, m.reply_to AS m_reply_to, \
         m.media_json AS m_media_json, m.sent_by AS m_sent_by, m.status AS m_status, \
         m.created_at AS m_created_at, \
         (SELECT c.id FROM contact c WHERE c.tenant_id = m.tenant_id AND c.wa_id = ",
            message_peer!("m"),
            ") AS m_contact_id"
        )
    };
}

macro_rules! event_columns {
    () => {
        "e.id AS e_id, e.tenant_id AS e_tenant_id, e.from_status AS e_from_status, \
         e.to_status AS e_to_status, e.event AS e_event, e.actor AS e_actor, e.at AS e_at"
    };
}

/// Everything `GET /api/admin/tenants/{id}` shows: the tenant, its one-to-one
/// relations and its latest setup request, in one round trip.
macro_rules! tenant_detail_select {
    () => {
        concat!(
            "SELECT ",
            tenant_columns!(),
            ", ",
            config_columns!(),
            ", ",
            session_columns!(),
            ", ",
            worker_columns!(),
            ", ",
            setup_request_columns!(),
            " FROM tenant t \
             JOIN tenant_config c ON c.tenant_id = t.id \
             JOIN whatsapp_session s ON s.tenant_id = t.id \
             JOIN worker_process w ON w.tenant_id = t.id \
             LEFT JOIN setup_request r ON r.id = \
                 (SELECT id FROM setup_request WHERE tenant_id = t.id ORDER BY id DESC LIMIT 1)"
        )
    };
}
